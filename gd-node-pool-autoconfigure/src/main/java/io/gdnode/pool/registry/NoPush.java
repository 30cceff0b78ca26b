package io.gdnode.pool.registry;

import java.util.Collection;
import java.util.List;

import io.lettuce.core.api.push.PushListener;
import io.lettuce.core.protocol.PushHandler;

/**
 * The push handler of a connection that has no socket of its own: push messages arrive on sockets.
 */
enum NoPush implements PushHandler {

	INSTANCE;

	@Override
	public void addListener(PushListener listener) {
	}

	@Override
	public void removeListener(PushListener listener) {
	}

	@Override
	public Collection<PushListener> getPushListeners() {
		return List.of();
	}

}
