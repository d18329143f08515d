package dev.gatehouse.gateway.revocation;

import java.nio.file.Path;
import java.time.Duration;

import dev.gatehouse.gateway.support.RedisProcess;
import dev.gatehouse.gateway.support.RedisSentinelTopology;
import dev.gatehouse.gateway.support.RedisTopology;

/**
 * Both services behind Sentinel (a master, a replica, three sentinels), configured with
 * {@code spring.data.redis.sentinel.master} and {@code .nodes} only.
 */
class RedisSentinelIT extends RedisTopologyContract {

	private RedisSentinelTopology sentinel;

	@Override
	RedisTopology startTopology(Path dir) {
		this.sentinel = RedisSentinelTopology.start(dir);
		return this.sentinel;
	}

	@Override
	RedisProcess masterHolding(String key) {
		return this.sentinel.master().isAlive() ? this.sentinel.master() : this.sentinel.replica();
	}

	@Override
	void awaitPromotion(RedisProcess dead, Duration timeout) {
		this.sentinel.awaitPromotion(timeout);
	}

	@Override
	long storedRevocations() {
		return masterHolding("").call((redis) -> redis.keys(RedisRevocationSync.KEY_PREFIX + "*")).size();
	}

	@Override
	String name() {
		return "Sentinel";
	}

}
