package dev.gatehouse.auth;

import java.time.Duration;

import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.validation.autoconfigure.ValidationAutoConfiguration;
import org.springframework.context.annotation.Configuration;
import org.springframework.mock.env.MockEnvironment;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code gatehouse.auth.*} binds validated (a mistake names the key), keeps its secrets
 * out of {@code toString}, and the one definition of "Redis is configured" holds.
 */
class AuthPropertiesTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(ValidationAutoConfiguration.class))
		.withUserConfiguration(Properties.class);

	@Configuration(proxyBeanMethods = false)
	@EnableConfigurationProperties(AuthProperties.class)
	static class Properties {

	}

	@Test
	void intervalsAreBoundWithTheirDefaultsAndOverrides() {
		this.runner.run((context) -> {
			AuthProperties properties = context.getBean(AuthProperties.class);
			assertThat(properties.housekeepingInterval()).isEqualTo(Duration.ofMinutes(10));
			assertThat(properties.revocationRetryInterval()).isEqualTo(Duration.ofSeconds(2));
		});
		this.runner.withPropertyValues("gatehouse.auth.revocation-retry-interval=500ms")
			.run((context) -> assertThat(context.getBean(AuthProperties.class).revocationRetryInterval())
				.isEqualTo(Duration.ofMillis(500)));
	}

	@Test
	void aZeroIntervalStopsStartUpNamingTheKey() {
		this.runner.withPropertyValues("gatehouse.auth.housekeeping-interval=0s")
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.rootCause()
				.hasMessageContaining("housekeepingInterval"));
	}

	@Test
	void aClientIdTwiceOrAPublicClientWithClientCredentialsStopsStartUp() {
		this.runner
			.withPropertyValues("gatehouse.auth.clients[0].client-id=web",
					"gatehouse.auth.clients[0].grant-types=password", "gatehouse.auth.clients[1].client-id=web",
					"gatehouse.auth.clients[1].grant-types=refresh_token")
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.rootCause()
				.hasMessageContaining("clients: the same client-id is registered more than once"));
		this.runner
			.withPropertyValues("gatehouse.auth.clients[0].client-id=web",
					"gatehouse.auth.clients[0].grant-types=client_credentials")
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.rootCause()
				.hasMessageContaining("clients[0].grantTypesFitTheClient")
				.hasMessageContaining("grant-types: a public client (no client-secret) cannot use client_credentials"));
	}

	@Test
	void theBootstrapPasswordAndClientSecretsNeverAppearInToString() {
		this.runner
			.withPropertyValues("gatehouse.auth.bootstrap.admin.username=root",
					"gatehouse.auth.bootstrap.admin.password=root-password-123",
					"gatehouse.auth.clients[0].client-id=reports",
					"gatehouse.auth.clients[0].client-secret={bcrypt}$2a$10$abcdefghijklmnopqrstuv",
					"gatehouse.auth.clients[0].grant-types=client_credentials")
			.run((context) -> {
				String printed = context.getBean(AuthProperties.class).toString();
				assertThat(printed).contains("root", "reports").doesNotContain("root-password-123", "$2a$10$");
			});
	}

	@Test
	void redisIsConfiguredByAnyOfItsConnectionSettingsButNotByAnEmptyValue() {
		assertThat(RedisConfiguredCondition.isRedisConfigured(new MockEnvironment())).isFalse();
		assertThat(RedisConfiguredCondition
			.isRedisConfigured(new MockEnvironment().withProperty("spring.data.redis.host", ""))).isFalse();
		assertThat(RedisConfiguredCondition
			.isRedisConfigured(new MockEnvironment().withProperty("spring.data.redis.host", "redis"))).isTrue();
		assertThat(RedisConfiguredCondition
			.isRedisConfigured(new MockEnvironment().withProperty("spring.data.redis.url", "redis://redis:6379")))
			.isTrue();
		assertThat(RedisConfiguredCondition.isRedisConfigured(
				new MockEnvironment().withProperty("spring.data.redis.cluster.nodes[0]", "redis-1:6379")))
			.isTrue();
		assertThat(RedisConfiguredCondition
			.isRedisConfigured(new MockEnvironment().withProperty("spring.data.redis.sentinel.master", "mymaster")))
			.isTrue();
	}

}
