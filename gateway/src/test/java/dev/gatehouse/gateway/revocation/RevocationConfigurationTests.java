package dev.gatehouse.gateway.revocation;

import java.time.Clock;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import dev.gatehouse.gateway.config.GatehouseProperties;
import dev.gatehouse.gateway.redis.RedisConfiguration;
import dev.gatehouse.gateway.security.TokenRevocationCheck;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.boot.data.redis.autoconfigure.DataRedisReactiveAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Configuration;
import org.springframework.mock.env.MockEnvironment;
import dev.gatehouse.gateway.redis.RedisConfiguredCondition;

import static org.assertj.core.api.Assertions.assertThat;

class RevocationConfigurationTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(
				AutoConfigurations.of(DataRedisAutoConfiguration.class, DataRedisReactiveAutoConfiguration.class))
		.withUserConfiguration(Properties.class, RedisConfiguration.class, RevocationConfiguration.class)
		.withBean(Clock.class, Clock::systemUTC)
		.withBean(MeterRegistry.class, SimpleMeterRegistry::new);

	@Configuration(proxyBeanMethods = false)
	@EnableConfigurationProperties(GatehouseProperties.class)
	static class Properties {

	}

	@Test
	void withoutRedisConfiguredNothingIsRevokedAndNothingConnects() {
		this.runner.run((context) -> {
			assertThat(context).hasSingleBean(TokenRevocationCheck.class).doesNotHaveBean(RedisRevocationSync.class);
			assertThat(context.getBean(TokenRevocationCheck.class)).isSameAs(TokenRevocationCheck.NONE);
		});
	}

	@Test
	void withRedisConfiguredButDownTheGatewayStillStartsAndEnforcesWithTheView() {
		// a closed port: the sync keeps retrying in the background, start-up does not
		// wait for Redis
		this.runner.withPropertyValues("spring.data.redis.host=127.0.0.1", "spring.data.redis.port=1")
			.run((context) -> {
				assertThat(context).hasNotFailed().hasSingleBean(RedisRevocationSync.class);
				assertThat(context.getBean(TokenRevocationCheck.class)).isInstanceOf(RevocationView.class);
			});
	}

	@Test
	void anEmptyRedisHostCountsAsNotConfigured() {
		assertThat(RedisConfiguredCondition
			.isRedisConfigured(new MockEnvironment().withProperty("spring.data.redis.host", ""))).isFalse();
		assertThat(RedisConfiguredCondition.isRedisConfigured(
				new MockEnvironment().withProperty("spring.data.redis.url", "redis://redis.internal:6379")))
			.isTrue();
		assertThat(RedisConfiguredCondition.isRedisConfigured(new MockEnvironment())).isFalse();
	}

	@Test
	void aRedisClusterOrSentinelCountsAsConfigured() {
		assertThat(RedisConfiguredCondition.isRedisConfigured(
				new MockEnvironment().withProperty("spring.data.redis.cluster.nodes", "redis-1:6379,redis-2:6379")))
			.isTrue();
		assertThat(RedisConfiguredCondition.isRedisConfigured(
				new MockEnvironment().withProperty("spring.data.redis.cluster.nodes[0]", "redis-1:6379")))
			.isTrue();
		assertThat(RedisConfiguredCondition
			.isRedisConfigured(new MockEnvironment().withProperty("spring.data.redis.sentinel.master", "mymaster")))
			.isTrue();
	}

}
