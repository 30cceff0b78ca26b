package io.gdnode.pool.autoconfigure;

/**
 * Thrown at start-up when a {@code redis.*} setting has a value that is not allowed.
 */
public class InvalidRedisPropertyException extends RuntimeException {

	private final String property;

	private final Object value;

	private final String allowed;

	InvalidRedisPropertyException(String property, Object value, String allowed) {
		this(property, value, allowed, null);
	}

	InvalidRedisPropertyException(String property, Object value, String allowed, Throwable cause) {
		super(RedisEnvironmentVariables.of(property) + " (" + property + ") is '" + value + "': allowed is "
				+ allowed, cause);
		this.property = property;
		this.value = value;
		this.allowed = allowed;
	}

	/**
	 * Return the name of the property, such as {@code redis.master.pool.size}.
	 * @return the property name
	 */
	public String getProperty() {
		return this.property;
	}

	/**
	 * Return the value that is not allowed.
	 * @return the value
	 */
	public Object getValue() {
		return this.value;
	}

	/**
	 * Return what the property allows, in words.
	 * @return the allowed values
	 */
	public String getAllowed() {
		return this.allowed;
	}

}
