package io.gdnode.pool.localredis;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A loopback TCP proxy in front of a server, for tests that need a silent network drop: after
 * {@link #blackhole()} the connections open at that moment stay open but nothing passes through
 * them any more, in either direction, the way a dead route or a proxy with a vanished backend
 * behaves. Connections opened afterwards work. A stopped process cannot do that: its kernel keeps
 * answering.
 */
public final class TcpProxy implements AutoCloseable {

	private final ServerSocket server;

	private final InetSocketAddress target;

	private final List<Link> links = new CopyOnWriteArrayList<>();

	private final Thread acceptor;

	private volatile boolean closed;

	private TcpProxy(ServerSocket server, InetSocketAddress target) {
		this.server = server;
		this.target = target;
		this.acceptor = new Thread(this::accept, "tcp-proxy-" + server.getLocalPort());
		this.acceptor.setDaemon(true);
		this.acceptor.start();
	}

	/** Starts a proxy on a free loopback port that forwards to the given server. */
	public static TcpProxy to(LocalRedisServer redis) {
		try {
			ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
			return new TcpProxy(server, new InetSocketAddress(redis.host(), redis.port()));
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Could not start a proxy", ex);
		}
	}

	/** The loopback port clients connect to. */
	public int port() {
		return this.server.getLocalPort();
	}

	/** A {@code redis://} URL through the proxy. */
	public String url() {
		return "redis://127.0.0.1:" + port();
	}

	/** Stops forwarding on every connection open now, without closing any of them. */
	public void blackhole() {
		this.links.forEach((link) -> link.silent = true);
	}

	/** Closes every connection open now, silent or not, as a broken route that resets would; new ones work. */
	public void dropConnections() {
		this.links.forEach(Link::close);
	}

	@Override
	public void close() {
		this.closed = true;
		try {
			this.server.close();
		}
		catch (IOException ex) {
			// Closing anyway.
		}
		this.links.forEach(Link::close);
	}

	private void accept() {
		while (!this.closed) {
			try {
				Socket client = this.server.accept();
				Socket upstream = new Socket();
				upstream.connect(this.target, 5000);
				Link link = new Link(client, upstream);
				this.links.add(link);
				link.start();
			}
			catch (IOException ex) {
				// Closed, or the target refused: the client sees its connection closed.
			}
		}
	}

	private final class Link {

		final Socket client;

		final Socket upstream;

		volatile boolean silent;

		Link(Socket client, Socket upstream) {
			this.client = client;
			this.upstream = upstream;
		}

		void start() {
			pump(this.client, this.upstream, "up");
			pump(this.upstream, this.client, "down");
		}

		private void pump(Socket from, Socket to, String direction) {
			Thread pump = new Thread(() -> {
				byte[] buffer = new byte[16 * 1024];
				try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
					int read;
					while ((read = in.read(buffer)) >= 0) {
						// A silent link swallows what it reads: TCP still acknowledges, nothing arrives.
						if (!this.silent) {
							out.write(buffer, 0, read);
							out.flush();
						}
					}
				}
				catch (IOException ex) {
					// One side closed.
				}
				if (!this.silent) {
					close();
				}
			}, "tcp-proxy-" + direction + "-" + from.getPort());
			pump.setDaemon(true);
			pump.start();
		}

		void close() {
			closeQuietly(this.client);
			closeQuietly(this.upstream);
			TcpProxy.this.links.remove(this);
		}

		private void closeQuietly(Socket socket) {
			try {
				socket.close();
			}
			catch (IOException ex) {
				// Closing anyway.
			}
		}

	}

}
