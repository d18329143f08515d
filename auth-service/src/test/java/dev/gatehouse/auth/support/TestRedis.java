package dev.gatehouse.auth.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;

import redis.embedded.RedisServer;

/**
 * A real Redis server for tests: an embedded {@code redis-server} process on a free port,
 * started once per JVM, or the local server on 127.0.0.1:6379 when
 * {@code -Dgatehouse.test.redis=local}.
 */
public final class TestRedis {

	public static final boolean LOCAL = "local".equals(System.getProperty("gatehouse.test.redis"));

	private static RedisServer server;

	private static int port;

	private TestRedis() {
	}

	public static synchronized int port() {
		if (LOCAL) {
			return 6379;
		}
		if (server == null) {
			try {
				port = freePort();
				server = RedisServer.newRedisServer()
					.bind("127.0.0.1")
					.port(port)
					.setting("save \"\"")
					.setting("appendonly no")
					.build();
				server.start();
				Runtime.getRuntime().addShutdownHook(new Thread(TestRedis::stop));
			}
			catch (IOException ex) {
				throw new UncheckedIOException(ex);
			}
		}
		return port;
	}

	private static void stop() {
		try {
			server.stop();
		}
		catch (IOException ex) {
			// the JVM is exiting
		}
	}

	static int freePort() throws IOException {
		try (ServerSocket socket = new ServerSocket(0)) {
			return socket.getLocalPort();
		}
	}

}
