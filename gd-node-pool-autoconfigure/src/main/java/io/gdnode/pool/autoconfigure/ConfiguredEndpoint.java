package io.gdnode.pool.autoconfigure;

import org.springframework.util.StringUtils;

/**
 * Where the master's configured settings point, as a short text to compare and as a URL to show
 * with the password masked, for the warning about two endpoints.
 *
 * @param address the servers, database and kind of topology, without credentials or scheme
 * @param shown the endpoint as a URL, with {@code ****} for the password
 */
record ConfiguredEndpoint(String address, String shown) {

	/**
	 * Return {@code user:****@}, {@code ****@} or nothing, for a URL's user information.
	 */
	static String credentials(String userInfo) {
		if (userInfo == null) {
			return "";
		}
		int colon = userInfo.indexOf(':');
		// Lettuce reads user information without a colon as a password.
		return (colon >= 0) ? credentials(userInfo.substring(0, colon), true) : credentials(null, true);
	}

	/**
	 * Return {@code user:****@}, {@code ****@}, {@code user@} or nothing.
	 */
	static String credentials(String username, boolean password) {
		String user = StringUtils.hasLength(username) ? username : "";
		if (!password) {
			return user.isEmpty() ? "" : user + "@";
		}
		return user.isEmpty() ? "****@" : user + ":****@";
	}

}
