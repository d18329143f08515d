package dev.gatehouse.gateway.redis;

import org.junit.jupiter.api.Test;

import org.springframework.mock.env.MockEnvironment;

import static org.assertj.core.api.Assertions.assertThat;

class RedisConfiguredConditionTests {

	@Test
	void countsAClusterAsConfiguredWhetherTheNodesAreOneValueOrAYamlList() {
		assertThat(RedisConfiguredCondition.isRedisConfigured(
				new MockEnvironment().withProperty("spring.data.redis.cluster.nodes", "10.0.0.1:6379,10.0.0.2:6379")))
			.isTrue();
		assertThat(RedisConfiguredCondition
			.isRedisConfigured(new MockEnvironment().withProperty("spring.data.redis.cluster.nodes[0]", "10.0.0.1:6379")
				.withProperty("spring.data.redis.cluster.nodes[1]", "10.0.0.2:6379")))
			.isTrue();
	}

	@Test
	void countsASentinelMasterAsConfigured() {
		assertThat(RedisConfiguredCondition
			.isRedisConfigured(new MockEnvironment().withProperty("spring.data.redis.sentinel.master", "gatehouse")
				.withProperty("spring.data.redis.sentinel.nodes", "10.0.0.1:26379")))
			.isTrue();
	}

	@Test
	void countsEmptyValuesAsNotConfigured() {
		assertThat(RedisConfiguredCondition.isRedisConfigured(new MockEnvironment())).isFalse();
		assertThat(RedisConfiguredCondition
			.isRedisConfigured(new MockEnvironment().withProperty("spring.data.redis.cluster.nodes", "")
				.withProperty("spring.data.redis.sentinel.master", "")
				.withProperty("spring.data.redis.port", "6380")))
			.isFalse();
	}

}
