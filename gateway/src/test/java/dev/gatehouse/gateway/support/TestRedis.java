package dev.gatehouse.gateway.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;

import redis.embedded.RedisServer;

/**
 * Real Redis servers for tests: embedded {@code redis-server} processes on free ports,
 * or, for {@link #shared()} with {@code -Dgatehouse.test.redis=local}, the local server
 * on 127.0.0.1:6379.
 */
public final class TestRedis {

	public static final boolean LOCAL = "local".equals(System.getProperty("gatehouse.test.redis"));

	private static TestRedis shared;

	private final int port;

	/**
	 * Where an append-only file keeps the data across restarts; {@code null}: nothing
	 * persists.
	 */
	private final java.nio.file.Path dataDir;

	private RedisServer server;

	private TestRedis(int port, java.nio.file.Path dataDir) {
		this.port = port;
		this.dataDir = dataDir;
	}

	/**
	 * The Redis most tests share: the local server when asked for, else one embedded
	 * server per JVM.
	 */
	public static synchronized int shared() {
		if (LOCAL) {
			return 6379;
		}
		if (shared == null) {
			shared = embedded(null);
			Runtime.getRuntime().addShutdownHook(new Thread(shared::stop));
		}
		return shared.port;
	}

	/**
	 * An embedded server of the caller's own, which it may stop and start (outage tests).
	 */
	public static TestRedis embedded() {
		return embedded(null);
	}

	/**
	 * Like {@link #embedded()}, keeping its data in an append-only file under
	 * {@code dataDir} across restarts.
	 */
	public static TestRedis embedded(java.nio.file.Path dataDir) {
		TestRedis redis = new TestRedis(freePort(), dataDir);
		redis.start();
		return redis;
	}

	public int port() {
		return this.port;
	}

	public synchronized void start() {
		try {
			var builder = RedisServer.newRedisServer().bind("127.0.0.1").port(this.port).setting("save \"\"");
			if (this.dataDir != null) {
				builder.setting("dir " + this.dataDir.toAbsolutePath())
					.setting("appendonly yes")
					.setting("appendfsync always");
			}
			else {
				builder.setting("appendonly no");
			}
			this.server = builder.build();
			this.server.start();
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	public synchronized void stop() {
		try {
			if (this.server != null) {
				this.server.stop();
			}
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	public static int freePort() {
		try (ServerSocket socket = new ServerSocket(0)) {
			return socket.getLocalPort();
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

}
