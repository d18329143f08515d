package dev.gatehouse.gateway.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * A real Sentinel deployment on loopback: a master, one replica and three sentinels
 * (quorum 2, {@code down-after-milliseconds} 1 s, so a failover takes seconds, not the
 * default 30 s).
 */
public final class RedisSentinelTopology implements RedisTopology {

	public static final String MASTER_NAME = "gatehouse";

	private final RedisProcess master;

	private final RedisProcess replica;

	private final List<RedisProcess> sentinels;

	private RedisSentinelTopology(RedisProcess master, RedisProcess replica, List<RedisProcess> sentinels) {
		this.master = master;
		this.replica = replica;
		this.sentinels = sentinels;
	}

	public static RedisSentinelTopology start(Path dir) {
		List<RedisProcess> started = new ArrayList<>();
		try {
			int masterPort = TestRedis.freePort();
			RedisProcess master = RedisProcess.start(dir.resolve("master-" + masterPort), null, masterPort);
			started.add(master);
			int replicaPort = TestRedis.freePort();
			RedisProcess replica = RedisProcess.start(dir.resolve("replica-" + replicaPort), null, replicaPort,
					"--replicaof", "127.0.0.1", Integer.toString(masterPort));
			started.add(replica);
			List<RedisProcess> sentinels = new ArrayList<>();
			for (int i = 0; i < 3; i++) {
				int port = TestRedis.freePort();
				Path sentinelDir = Files.createDirectories(dir.resolve("sentinel-" + port));
				Files.writeString(sentinelDir.resolve("sentinel.conf"),
						String.join("\n", "sentinel monitor " + MASTER_NAME + " 127.0.0.1 " + masterPort + " 2",
								"sentinel down-after-milliseconds " + MASTER_NAME + " 1000",
								"sentinel failover-timeout " + MASTER_NAME + " 10000",
								"sentinel parallel-syncs " + MASTER_NAME + " 1", ""));
				RedisProcess sentinel = RedisProcess.start(sentinelDir, "sentinel.conf", port, "--sentinel");
				sentinels.add(sentinel);
				started.add(sentinel);
			}
			RedisSentinelTopology topology = new RedisSentinelTopology(master, replica, sentinels);
			topology.awaitReady(Duration.ofSeconds(30));
			return topology;
		}
		catch (IOException ex) {
			started.forEach(RedisProcess::close);
			throw new UncheckedIOException(ex);
		}
		catch (RuntimeException ex) {
			started.forEach(RedisProcess::close);
			throw ex;
		}
	}

	/**
	 * Every sentinel knows the replica and the two other sentinels (else it could not
	 * fail over), and the replica is in sync.
	 */
	private void awaitReady(Duration timeout) {
		String expected = "status=ok,address=127.0.0.1:" + this.master.port() + ",slaves=1,sentinels=3";
		RedisProcess.await(timeout, "the sentinels to know the replica and each other",
				() -> this.sentinels.stream()
					.allMatch((sentinel) -> sentinel.call((redis) -> redis.info("sentinel")).contains(expected))
						&& this.replica.call((redis) -> redis.info("replication")).contains("master_link_status:up"));
	}

	@Override
	public Map<String, String> springProperties() {
		return Map.of("spring.data.redis.sentinel.master", MASTER_NAME, "spring.data.redis.sentinel.nodes",
				this.sentinels.stream().map(RedisProcess::address).collect(Collectors.joining(",")));
	}

	public RedisProcess master() {
		return this.master;
	}

	public RedisProcess replica() {
		return this.replica;
	}

	/** Waits until every sentinel names the replica as the master. */
	public void awaitPromotion(Duration timeout) {
		RedisProcess.await(timeout, "the sentinels to promote " + this.replica.address(),
				() -> this.sentinels.stream()
					.allMatch((sentinel) -> sentinel.call((redis) -> redis.info("sentinel"))
						.contains("address=127.0.0.1:" + this.replica.port()))
						&& this.replica.call((redis) -> redis.info("replication")).contains("role:master"));
	}

	@Override
	public void close() {
		this.sentinels.forEach(RedisProcess::close);
		this.replica.close();
		this.master.close();
	}

}
