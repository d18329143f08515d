package dev.gatehouse.gateway.support;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Function;

import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisConnectionException;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.DefaultClientResources;
import redis.embedded.core.ExecutableProvider;

/**
 * One {@code redis-server} process of a test topology (cluster node, replica, sentinel)
 * on a free loopback port, with its own directory and log. The binary is the local
 * {@code /usr/bin/redis-server} when present, else the one embedded-redis ships (Redis
 * 6.2, which runs cluster nodes and sentinels too). A JVM shutdown hook kills whatever a
 * failed test left running.
 */
public final class RedisProcess implements AutoCloseable {

	private static final Path LOCAL_BINARY = Path.of("/usr/bin/redis-server");

	private static Path binary;

	private static ClientResources resources;

	private final int port;

	private final Path dir;

	private final List<String> arguments;

	private final Thread shutdownHook;

	private volatile Process process;

	private RedisProcess(int port, Path dir, List<String> arguments) {
		this.port = port;
		this.dir = dir;
		this.arguments = arguments;
		this.shutdownHook = new Thread(this::kill);
	}

	/**
	 * Starts {@code redis-server [configFile] --port <port> --bind 127.0.0.1 --dir
	 *
	<dir>
	 * <settings>} and waits until it answers PING.
	 * @param dir the process's own directory (created)
	 * @param configFile a config file inside {@code dir} (sentinels rewrite theirs), or
	 * {@code null}
	 * @param port the port
	 * @param settings further {@code --name value} arguments
	 */
	public static RedisProcess start(Path dir, String configFile, int port, String... settings) {
		List<String> arguments = new ArrayList<>();
		arguments.add(binary().toString());
		if (configFile != null) {
			arguments.add(dir.resolve(configFile).toString());
		}
		arguments.addAll(List.of("--port", Integer.toString(port), "--bind", "127.0.0.1", "--dir", dir.toString(),
				"--save", "", "--appendonly", "no"));
		arguments.addAll(List.of(settings));
		RedisProcess redis = new RedisProcess(port, dir, arguments);
		Runtime.getRuntime().addShutdownHook(redis.shutdownHook);
		redis.launch();
		return redis;
	}

	private void launch() {
		try {
			Files.createDirectories(this.dir);
			this.process = new ProcessBuilder(this.arguments).directory(this.dir.toFile())
				.redirectErrorStream(true)
				.redirectOutput(ProcessBuilder.Redirect.appendTo(this.dir.resolve("redis.log").toFile()))
				.start();
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		awaitPong(Duration.ofSeconds(10));
	}

	/** The local redis-server when present, else embedded-redis's binary. */
	public static synchronized Path binary() {
		if (binary == null) {
			try {
				binary = Files.isExecutable(LOCAL_BINARY) ? LOCAL_BINARY
						: ExecutableProvider.newJarResourceProvider().get().toPath();
			}
			catch (IOException ex) {
				throw new UncheckedIOException(ex);
			}
		}
		return binary;
	}

	public int port() {
		return this.port;
	}

	public String address() {
		return "127.0.0.1:" + this.port;
	}

	public boolean isAlive() {
		Process running = this.process;
		return running != null && running.isAlive();
	}

	/** What a crash does: SIGKILL, no goodbye to clients or peers. */
	public void kill() {
		Process running = this.process;
		if (running != null) {
			running.destroyForcibly();
			try {
				running.waitFor(10, TimeUnit.SECONDS);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		}
	}

	@Override
	public void close() {
		kill();
		try {
			Runtime.getRuntime().removeShutdownHook(this.shutdownHook);
		}
		catch (IllegalStateException ex) {
			// the JVM is exiting: the hook runs anyway
		}
	}

	/**
	 * One command on this server, over a connection of its own (servers come and go); a
	 * connection that cannot be opened is tried again twice (a loaded machine can miss a
	 * handshake deadline).
	 */
	public <T> T call(Function<RedisCommands<String, String>, T> command) {
		RedisClient client = RedisClient.create(resources(),
				RedisURI.builder()
					.withHost("127.0.0.1")
					.withPort(this.port)
					.withTimeout(Duration.ofSeconds(10))
					.build());
		try {
			for (int attempt = 1;; attempt++) {
				StatefulRedisConnection<String, String> connection;
				try {
					connection = client.connect();
				}
				catch (RedisConnectionException ex) {
					if (attempt == 3 || !isAlive()) {
						throw ex;
					}
					continue;
				}
				try (connection) {
					return command.apply(connection.sync());
				}
			}
		}
		finally {
			client.shutdown(Duration.ZERO, Duration.ofSeconds(1));
		}
	}

	/** Whether the command succeeded. */
	public boolean tryCall(Function<RedisCommands<String, String>, ?> command) {
		try {
			call(command);
			return true;
		}
		catch (RuntimeException ex) {
			return false;
		}
	}

	/**
	 * Threads shared by every test client of the JVM (a client of its own costs threads).
	 */
	private static synchronized ClientResources resources() {
		if (resources == null) {
			resources = DefaultClientResources.builder().ioThreadPoolSize(2).computationThreadPoolSize(2).build();
		}
		return resources;
	}

	/** Polls the condition every 100 ms; a condition that throws counts as false. */
	public static void await(Duration timeout, String what, BooleanSupplier condition) {
		long deadline = System.nanoTime() + timeout.toNanos();
		RuntimeException last = null;
		while (System.nanoTime() < deadline) {
			try {
				if (condition.getAsBoolean()) {
					return;
				}
			}
			catch (RuntimeException ex) {
				last = ex;
			}
			sleep(100);
		}
		throw new IllegalStateException("Timed out after " + timeout + " waiting for " + what, last);
	}

	private void awaitPong(Duration timeout) {
		long deadline = System.nanoTime() + timeout.toNanos();
		while (System.nanoTime() < deadline) {
			if (!isAlive()) {
				throw new IllegalStateException("redis-server on port " + this.port + " exited; see "
						+ this.dir.resolve("redis.log").toAbsolutePath());
			}
			try (Socket socket = new Socket()) {
				socket.connect(new InetSocketAddress("127.0.0.1", this.port), 200);
				socket.setSoTimeout(1000);
				OutputStream out = socket.getOutputStream();
				out.write("PING\r\n".getBytes(StandardCharsets.US_ASCII));
				out.flush();
				InputStream in = socket.getInputStream();
				byte[] reply = new byte[7];
				int read = in.readNBytes(reply, 0, reply.length);
				if (new String(reply, 0, read, StandardCharsets.US_ASCII).startsWith("+PONG")) {
					return;
				}
			}
			catch (IOException ex) {
				// not listening yet
			}
			sleep(50);
		}
		kill();
		throw new IllegalStateException("redis-server on port " + this.port + " did not answer within " + timeout);
	}

	/**
	 * A free port whose neighbour 10000 above is free too: a cluster node listens on both
	 * (its cluster bus).
	 */
	public static int freeClusterPort() {
		for (int attempt = 0; attempt < 100; attempt++) {
			int port = TestRedis.freePort();
			if (port + 10000 <= 65535 && isFree(port + 10000)) {
				return port;
			}
		}
		throw new IllegalStateException("no free port pair for a cluster node");
	}

	private static boolean isFree(int port) {
		try (ServerSocket socket = new ServerSocket()) {
			socket.bind(new InetSocketAddress("127.0.0.1", port));
			return true;
		}
		catch (IOException ex) {
			return false;
		}
	}

	static void sleep(long millis) {
		try {
			Thread.sleep(millis);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

}
