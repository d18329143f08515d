package dev.gatehouse.gateway.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.cluster.SlotHash;

/**
 * A real Redis Cluster on loopback: three masters and three replicas
 * ({@code cluster-node-timeout} 1 s, so a failover takes seconds, not the default 15 s),
 * created with {@code redis-cli --cluster create --cluster-replicas 1} when
 * {@code redis-cli} is installed, else with {@code CLUSTER ADDSLOTS / MEET / REPLICATE}
 * sent from Lettuce (so a machine without the CLI needs nothing but the embedded binary;
 * {@code -Dgatehouse.test.redis-cli=none} forces that way).
 */
public final class RedisClusterTopology implements RedisTopology {

	private static final Path REDIS_CLI = Path.of("/usr/bin/redis-cli");

	private static final Duration NODE_TIMEOUT = Duration.ofSeconds(1);

	private final List<RedisProcess> nodes;

	private RedisClusterTopology(List<RedisProcess> nodes) {
		this.nodes = nodes;
	}

	public static RedisClusterTopology start(Path dir) {
		List<RedisProcess> nodes = new ArrayList<>();
		try {
			for (int i = 0; i < 6; i++) {
				int port = RedisProcess.freeClusterPort();
				nodes.add(RedisProcess.start(dir.resolve("node-" + port), null, port, "--cluster-enabled", "yes",
						"--cluster-config-file", "nodes.conf", "--cluster-node-timeout",
						Long.toString(NODE_TIMEOUT.toMillis())));
			}
			RedisClusterTopology cluster = new RedisClusterTopology(nodes);
			if (Files.isExecutable(REDIS_CLI) && !"none".equals(System.getProperty("gatehouse.test.redis-cli"))) {
				cluster.createWithCli(dir);
			}
			else {
				cluster.createWithCommands();
			}
			cluster.awaitHealthy(Duration.ofSeconds(30));
			return cluster;
		}
		catch (RuntimeException ex) {
			nodes.forEach(RedisProcess::close);
			throw ex;
		}
	}

	private void createWithCli(Path dir) {
		List<String> command = new ArrayList<>(List.of(REDIS_CLI.toString(), "--cluster", "create"));
		this.nodes.forEach((node) -> command.add(node.address()));
		command.addAll(List.of("--cluster-replicas", "1", "--cluster-yes"));
		try {
			Path log = dir.resolve("cluster-create.log");
			Process cli = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
			if (!cli.waitFor(60, TimeUnit.SECONDS) || cli.exitValue() != 0) {
				cli.destroyForcibly();
				throw new IllegalStateException("redis-cli --cluster create failed: " + Files.readString(log));
			}
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

	/**
	 * What {@code redis-cli --cluster create} does: slots in three ranges to the first
	 * three nodes, distinct config epochs, every node met, each of the last three
	 * replicating one master.
	 */
	private void createWithCommands() {
		int[][] ranges = { { 0, 5460 }, { 5461, 10922 }, { 10923, 16383 } };
		for (int i = 0; i < 3; i++) {
			int[] slots = IntStream.rangeClosed(ranges[i][0], ranges[i][1]).toArray();
			this.nodes.get(i).call((redis) -> redis.clusterAddSlots(slots));
		}
		for (int i = 0; i < this.nodes.size(); i++) {
			long epoch = i + 1;
			this.nodes.get(i).call((redis) -> redis.clusterSetConfigEpoch(epoch));
		}
		for (RedisProcess node : this.nodes.subList(1, this.nodes.size())) {
			this.nodes.get(0).call((redis) -> redis.clusterMeet("127.0.0.1", node.port()));
		}
		RedisProcess.await(Duration.ofSeconds(20), "every node to know every other",
				() -> this.nodes.stream()
					.allMatch((node) -> node.call((redis) -> redis.clusterNodes()
						.lines()
						.filter((line) -> !line.contains("handshake") && !line.contains("noaddr"))
						.count() == this.nodes.size())));
		for (int i = 3; i < 6; i++) {
			RedisProcess replica = this.nodes.get(i);
			String masterId = this.nodes.get(i - 3).call(RedisCommands::clusterMyId);
			RedisProcess.await(Duration.ofSeconds(10), "a replica to accept its master",
					() -> replica.tryCall((redis) -> redis.clusterReplicate(masterId)));
		}
	}

	private void awaitHealthy(Duration timeout) {
		RedisProcess.await(timeout, "the cluster to be ok with three masters, each with a connected replica",
				() -> this.nodes.stream().allMatch((node) -> {
					String info = node.call(RedisCommands::clusterInfo);
					List<ClusterNode> view = clusterNodes(node);
					return info.contains("cluster_state:ok")
							&& view.stream().filter((n) -> n.master() && n.slots() > 0 && !n.failing()).count() == 3
							&& view.stream().filter((n) -> !n.master() && !n.failing()).count() == 3;
				}) && this.nodes.stream()
					.filter((node) -> node.call((redis) -> redis.info("replication")).contains("role:slave"))
					.allMatch((node) -> node.call((redis) -> redis.info("replication"))
						.contains("master_link_status:up")));
	}

	@Override
	public Map<String, String> springProperties() {
		return Map.of("spring.data.redis.cluster.nodes",
				this.nodes.stream().map(RedisProcess::address).collect(Collectors.joining(",")));
	}

	/** The node serving the key's slot now, as the live nodes see it. */
	public RedisProcess masterOf(String key) {
		int slot = SlotHash.getSlot(key);
		for (RedisProcess asked : live()) {
			for (ClusterNode node : clusterNodes(asked)) {
				if (node.master() && !node.failing() && node.serves(slot)) {
					return this.nodes.stream().filter((n) -> n.port() == node.port()).findFirst().orElseThrow();
				}
			}
		}
		throw new IllegalStateException("no master serves slot " + slot);
	}

	/** The current masters. */
	public List<RedisProcess> masters() {
		RedisProcess asked = live().get(0);
		List<Integer> ports = clusterNodes(asked).stream()
			.filter((n) -> n.master() && !n.failing() && n.slots() > 0)
			.map(ClusterNode::port)
			.toList();
		return this.nodes.stream().filter((n) -> ports.contains(n.port())).toList();
	}

	public List<RedisProcess> live() {
		return this.nodes.stream().filter(RedisProcess::isAlive).toList();
	}

	/**
	 * Waits until a live replica took over the key's slot and every live node says the
	 * cluster is ok.
	 */
	public RedisProcess awaitPromotion(String key, RedisProcess dead, Duration timeout) {
		RedisProcess.await(timeout, "a replica to take over from " + dead.address(), () -> {
			RedisProcess master = masterOf(key);
			return master != dead && master.isAlive() && live().stream()
				.allMatch((node) -> node.call(RedisCommands::clusterInfo).contains("cluster_state:ok"));
		});
		return masterOf(key);
	}

	@Override
	public void close() {
		this.nodes.forEach(RedisProcess::close);
	}

	private static List<ClusterNode> clusterNodes(RedisProcess node) {
		return node.call(RedisCommands::clusterNodes).lines().map(ClusterNode::parse).toList();
	}

	/** One line of CLUSTER NODES: id, address, flags, …, slot ranges. */
	private record ClusterNode(int port, boolean master, boolean failing, List<int[]> ranges) {

		static ClusterNode parse(String line) {
			String[] fields = line.split(" ");
			String address = fields[1].split("@")[0];
			int port = Integer.parseInt(address.substring(address.lastIndexOf(':') + 1));
			String flags = fields[2];
			List<int[]> ranges = new ArrayList<>();
			for (int i = 8; i < fields.length; i++) {
				if (fields[i].startsWith("[")) {
					continue;
				}
				String[] bounds = fields[i].split("-");
				int from = Integer.parseInt(bounds[0]);
				ranges.add(new int[] { from, (bounds.length > 1) ? Integer.parseInt(bounds[1]) : from });
			}
			return new ClusterNode(port, flags.contains("master"), flags.contains("fail"), ranges);
		}

		boolean serves(int slot) {
			return this.ranges.stream().anyMatch((range) -> range[0] <= slot && slot <= range[1]);
		}

		int slots() {
			return this.ranges.stream().mapToInt((range) -> range[1] - range[0] + 1).sum();
		}

	}

}
