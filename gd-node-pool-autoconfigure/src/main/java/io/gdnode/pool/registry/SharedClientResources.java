package io.gdnode.pool.registry;

import java.util.concurrent.TimeUnit;

import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.DefaultClientResources;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.FactoryBean;

/**
 * One set of Lettuce event loops for the whole JVM, counted by reference: every application
 * context gets the same {@link ClientResources}, so pools shared between contexts keep working
 * when one of them closes, and the last context to close shuts the event loops down.
 */
public final class SharedClientResources implements FactoryBean<ClientResources>, DisposableBean {

	private static final Log logger = LogFactory.getLog(SharedClientResources.class);

	private static final long SHUTDOWN_SECONDS = 5;

	private static ClientResources instance;

	private static int references;

	private ClientResources acquired;

	@Override
	public synchronized ClientResources getObject() {
		if (this.acquired == null) {
			this.acquired = acquire();
		}
		return this.acquired;
	}

	@Override
	public Class<?> getObjectType() {
		return ClientResources.class;
	}

	@Override
	public synchronized void destroy() {
		if (this.acquired != null) {
			this.acquired = null;
			release();
		}
	}

	private static synchronized ClientResources acquire() {
		if (references++ == 0) {
			instance = DefaultClientResources.create();
		}
		return instance;
	}

	private static synchronized void release() {
		if (--references > 0) {
			return;
		}
		try {
			instance.shutdown(0, SHUTDOWN_SECONDS, TimeUnit.SECONDS).get(SHUTDOWN_SECONDS * 2, TimeUnit.SECONDS);
		}
		catch (Exception ex) {
			logger.warn("Lettuce event loops did not shut down within " + SHUTDOWN_SECONDS + "s", ex);
		}
		finally {
			instance = null;
		}
	}

}
