package io.gdnode.pool.localredis;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * When the Redis processes of a JUnit extension start and stop: registered in a static field,
 * once for the test class (before all, after all); in an instance field, once for each test
 * (before each, after each), for tests that stop or kill what they were given.
 *
 * @param <T> what the extension starts
 */
abstract class LocalRedisLifecycle<T extends AutoCloseable>
		implements BeforeAllCallback, AfterAllCallback, BeforeEachCallback, AfterEachCallback {

	private volatile T started;

	/** The unique id of the context that started it, which alone stops it (nested classes see it too). */
	private volatile String owner;

	@Override
	public void beforeAll(ExtensionContext context) {
		startFor(context);
	}

	@Override
	public void beforeEach(ExtensionContext context) {
		startFor(context);
	}

	@Override
	public void afterEach(ExtensionContext context) throws Exception {
		stopFor(context);
	}

	@Override
	public void afterAll(ExtensionContext context) throws Exception {
		stopFor(context);
	}

	/** Starts the processes; a failure leaves nothing running. */
	abstract T start();

	/** What {@link #start()} returned, while the test class or test that started it runs. */
	final T started() {
		T current = this.started;
		if (current == null) {
			throw new IllegalStateException(getClass().getSimpleName() + " has not started yet: register it with "
					+ "@RegisterExtension; in an instance field it starts before each test, after the test "
					+ "instance is constructed, so read it in a test or an @BeforeEach method, not in a field "
					+ "initializer");
		}
		return current;
	}

	private void startFor(ExtensionContext context) {
		if (this.started == null) {
			this.started = start();
			this.owner = context.getUniqueId();
		}
	}

	private void stopFor(ExtensionContext context) throws Exception {
		T current = this.started;
		if (current != null && context.getUniqueId().equals(this.owner)) {
			this.started = null;
			this.owner = null;
			current.close();
		}
	}

}
