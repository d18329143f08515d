package dev.gatehouse.gateway.revocation;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import dev.gatehouse.gateway.support.RedisClusterTopology;
import dev.gatehouse.gateway.support.RedisProcess;
import dev.gatehouse.gateway.support.RedisTopology;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Both services on a real Redis Cluster (three masters, three replicas), configured with
 * {@code spring.data.redis.cluster.nodes} only.
 */
class RedisClusterIT extends RedisTopologyContract {

	private RedisClusterTopology cluster;

	@Override
	RedisTopology startTopology(Path dir) {
		this.cluster = RedisClusterTopology.start(dir);
		return this.cluster;
	}

	@Override
	RedisProcess masterHolding(String key) {
		return this.cluster.masterOf(key);
	}

	@Override
	void awaitPromotion(RedisProcess dead, Duration timeout) {
		this.cluster.awaitPromotion("{failover}", dead, timeout);
	}

	@Override
	void assertSpreadOverEveryMaster(List<String> keys) {
		assertThat(keys.stream().map(this.cluster::masterOf).distinct()).hasSize(3);
	}

	@Override
	long storedRevocations() {
		return this.cluster.masters()
			.stream()
			.mapToLong((master) -> master.call((redis) -> redis.keys(RedisRevocationSync.KEY_PREFIX + "*")).size())
			.sum();
	}

	@Override
	String name() {
		return "Redis Cluster";
	}

}
