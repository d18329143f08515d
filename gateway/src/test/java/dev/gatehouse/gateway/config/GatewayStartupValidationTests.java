package dev.gatehouse.gateway.config;

import java.lang.reflect.Constructor;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.util.Base64;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.diagnostics.FailureAnalyzer;
import org.springframework.boot.autoconfigure.context.ConfigurationPropertiesAutoConfiguration;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.validation.autoconfigure.ValidationAutoConfiguration;
import org.springframework.context.annotation.Configuration;

import dev.gatehouse.gateway.path.PathConfiguration;
import dev.gatehouse.gateway.policy.PolicyConfiguration;
import dev.gatehouse.gateway.policy.RoutePolicies;
import dev.gatehouse.gateway.policy.RoutePolicy;
import dev.gatehouse.gateway.security.SecurityConfiguration;
import dev.gatehouse.gateway.security.TokenVerifier;
import dev.gatehouse.gateway.security.dpop.DpopConfiguration;
import dev.gatehouse.gateway.support.TestTokens;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Configuration mistakes stop start-up with a message naming the key.
 */
class GatewayStartupValidationTests {

	private static final String JWKS_ISSUER = "gatehouse.gateway.issuers[0].issuer=http://issuer.test";

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(ConfigurationPropertiesAutoConfiguration.class,
				ValidationAutoConfiguration.class))
		.withUserConfiguration(RouteProperties.class, GatehouseGatewayConfiguration.class, SecurityConfiguration.class,
				PolicyConfiguration.class, PathConfiguration.class, DpopConfiguration.class)
		.withBean(MeterRegistry.class, SimpleMeterRegistry::new);

	@Configuration(proxyBeanMethods = false)
	@EnableConfigurationProperties(org.springframework.cloud.gateway.config.GatewayProperties.class)
	static class RouteProperties {

	}

	private static String failureMessages(AssertableApplicationContext context) {
		StringBuilder all = new StringBuilder();
		for (Throwable ex = context.getStartupFailure(); ex != null; ex = ex.getCause()) {
			all.append(ex.getMessage()).append('\n');
		}
		return all.toString();
	}

	/**
	 * What the operator reads when binding fails: Spring Boot's own report of a
	 * {@code @Validated} properties record ("Property: …", "Reason: …").
	 */
	private static String bindingReport(AssertableApplicationContext context) throws Exception {
		Throwable failure = context.getStartupFailure();
		assertThat(failure).as("start-up failed").isNotNull();
		Constructor<?> constructor = Class
			.forName("org.springframework.boot.diagnostics.analyzer.BindValidationFailureAnalyzer")
			.getDeclaredConstructor();
		constructor.setAccessible(true);
		FailureAnalysis analysis = ((FailureAnalyzer) constructor.newInstance()).analyze(failure);
		assertThat(analysis).as("a binding validation failure").isNotNull();
		return analysis.getDescription();
	}

	@Test
	void startsWithAValidJwksIssuer() {
		this.runner
			.withPropertyValues(JWKS_ISSUER, "gatehouse.gateway.issuers[0].audiences=gatehouse",
					"gatehouse.gateway.issuers[0].jwks-uri=http://localhost:9000/.well-known/jwks.json")
			.run(context -> assertThat(context).hasNotFailed().hasSingleBean(TokenVerifier.class));
	}

	@Test
	void issuerWithoutKeySourceNamesTheIssuer() {
		this.runner.withPropertyValues(JWKS_ISSUER, "gatehouse.gateway.issuers[0].audiences=gatehouse")
			.run(context -> assertThat(bindingReport(context)).contains("Property: gatehouse.gateway.issuers[0]",
					"Reason: needs exactly one key source of jwks-uri, public-key-file, hmac-secret"));
	}

	@Test
	void issuerWithTwoKeySourcesIsRefused() {
		this.runner
			.withPropertyValues(JWKS_ISSUER, "gatehouse.gateway.issuers[0].audiences=gatehouse",
					"gatehouse.gateway.issuers[0].jwks-uri=http://localhost:9000/jwks",
					"gatehouse.gateway.issuers[0].hmac-secret=0123456789abcdef0123456789abcdef")
			.run(context -> assertThat(bindingReport(context)).contains("Property: gatehouse.gateway.issuers[0]",
					"Reason: needs exactly one key source"));
	}

	@Test
	void shortHmacSecretNamesTheKey() {
		this.runner
			.withPropertyValues(JWKS_ISSUER, "gatehouse.gateway.issuers[0].audiences=gatehouse",
					"gatehouse.gateway.issuers[0].hmac-secret=too-short")
			.run(context -> assertThat(bindingReport(context))
				.contains("Property: gatehouse.gateway.issuers[0]", "Reason: hmac-secret: must be at least 32 bytes")
				// the report never shows the secret itself
				.doesNotContain("too-short"));
	}

	@Test
	void algorithmNoneAndUnknownAlgorithmsAreRefused() {
		this.runner
			.withPropertyValues(JWKS_ISSUER, "gatehouse.gateway.issuers[0].audiences=gatehouse",
					"gatehouse.gateway.issuers[0].jwks-uri=http://localhost:9000/jwks",
					"gatehouse.gateway.issuers[0].algorithms=RS256,NONE,RS257,HS256")
			.run(context -> assertThat(bindingReport(context))
				.contains("Property: gatehouse.gateway.issuers[0].algorithms[1]",
						"Reason: 'NONE' is not an algorithm Gatehouse verifies (never 'none')")
				.contains("Property: gatehouse.gateway.issuers[0].algorithms[2]",
						"Reason: 'RS257' is not an algorithm Gatehouse verifies")
				.contains("Reason: algorithms: must fit the key source"));
	}

	@Test
	void malformedDurationNamesTheKey() {
		this.runner.withPropertyValues("gatehouse.gateway.clock-skew=thirty seconds")
			.run(context -> assertThat(failureMessages(context)).contains("gatehouse.gateway.clock-skew"));
		this.runner
			.withPropertyValues(JWKS_ISSUER, "gatehouse.gateway.issuers[0].audiences=gatehouse",
					"gatehouse.gateway.issuers[0].jwks-uri=http://localhost:9000/jwks",
					"gatehouse.gateway.issuers[0].jwks-cache-ttl=5 minutes")
			.run(context -> assertThat(failureMessages(context))
				.contains("gatehouse.gateway.issuers[0].jwks-cache-ttl"));
	}

	@Test
	void zeroRevocationResyncIntervalOrUnknownRateLimitStoreNamesTheKey() {
		this.runner
			.withPropertyValues(JWKS_ISSUER, "gatehouse.gateway.issuers[0].audiences=gatehouse",
					"gatehouse.gateway.issuers[0].jwks-uri=http://localhost:9000/jwks",
					"gatehouse.gateway.revocation.resync-interval=0s")
			.run(context -> assertThat(bindingReport(context)).contains(
					"Property: gatehouse.gateway.revocation.resyncInterval", "Reason: must be positive, was PT0S"));
		this.runner
			.withPropertyValues(JWKS_ISSUER, "gatehouse.gateway.issuers[0].audiences=gatehouse",
					"gatehouse.gateway.issuers[0].jwks-uri=http://localhost:9000/jwks",
					"gatehouse.gateway.rate-limit.store=memcached")
			.run(context -> assertThat(failureMessages(context)).contains("gatehouse.gateway.rate-limit.store"));
	}

	@Test
	void negativeClockSkewNamesTheKey() {
		this.runner.withPropertyValues("gatehouse.gateway.clock-skew=-5s")
			.run(context -> assertThat(bindingReport(context)).contains("Property: gatehouse.gateway.clockSkew",
					"Reason: must be zero or positive, was PT-5S"));
	}

	@Test
	void theSameIssuerTwiceIsRefused() {
		this.runner
			.withPropertyValues(JWKS_ISSUER, "gatehouse.gateway.issuers[0].audiences=gatehouse",
					"gatehouse.gateway.issuers[0].jwks-uri=http://localhost:9000/jwks",
					"gatehouse.gateway.issuers[1].issuer=http://issuer.test",
					"gatehouse.gateway.issuers[1].audiences=other",
					"gatehouse.gateway.issuers[1].jwks-uri=http://localhost:9000/jwks")
			.run(context -> assertThat(bindingReport(context))
				.contains("Reason: issuers: the same 'issuer' is configured more than once"));
	}

	@Test
	void aJwksUriThatIsNoHttpUrlIsRefused() {
		this.runner
			.withPropertyValues(JWKS_ISSUER, "gatehouse.gateway.issuers[0].audiences=gatehouse",
					"gatehouse.gateway.issuers[0].jwks-uri=file:///etc/jwks.json")
			.run(context -> assertThat(bindingReport(context)).contains("Property: gatehouse.gateway.issuers[0]",
					"Reason: jwks-uri: must be an http(s) URL"));
	}

	@Test
	void anHmacSecretNeverAppearsInTheBoundSettings() {
		String secret = "0123456789abcdef0123456789abcdef-secret";
		this.runner
			.withPropertyValues(JWKS_ISSUER, "gatehouse.gateway.issuers[0].audiences=gatehouse",
					"gatehouse.gateway.issuers[0].hmac-secret=" + secret)
			.run(context -> assertThat(context.getBean(GatehouseProperties.class).toString())
				.contains("http://issuer.test")
				.doesNotContain(secret));
	}

	@Test
	void issuerWithoutAudienceIsRefused() {
		this.runner.withPropertyValues(JWKS_ISSUER, "gatehouse.gateway.issuers[0].jwks-uri=http://localhost:9000/jwks")
			.run(context -> assertThat(bindingReport(context)).contains(
					"Property: gatehouse.gateway.issuers[0].audiences",
					"Reason: must list at least one accepted 'aud' value"));
	}

	@Test
	void unreadablePublicKeyFileNamesTheKey() {
		this.runner
			.withPropertyValues(JWKS_ISSUER, "gatehouse.gateway.issuers[0].audiences=gatehouse",
					"gatehouse.gateway.issuers[0].public-key-file=/nonexistent/key.pem")
			.run(context -> assertThat(bindingReport(context)).contains("Property: gatehouse.gateway.issuers[0]",
					"Reason: public-key-file: must be a readable file"));
	}

	@Test
	void startsWithAPemPublicKeyFile(@TempDir Path dir) throws Exception {
		KeyPair keys = TestTokens.rsa();
		Path pem = dir.resolve("issuer.pem");
		Files.writeString(pem,
				"-----BEGIN PUBLIC KEY-----\n" + Base64.getMimeEncoder().encodeToString(keys.getPublic().getEncoded())
						+ "\n-----END PUBLIC KEY-----\n");
		this.runner
			.withPropertyValues(JWKS_ISSUER, "gatehouse.gateway.issuers[0].audiences=gatehouse",
					"gatehouse.gateway.issuers[0].public-key-file=" + pem)
			.run(context -> assertThat(context).hasNotFailed());
	}

	@Test
	void unknownRouteMetadataKeyNamesTheRouteKey() {
		this.runner
			.withPropertyValues("spring.cloud.gateway.server.webflux.routes[0].id=admin",
					"spring.cloud.gateway.server.webflux.routes[0].uri=http://localhost:9100",
					"spring.cloud.gateway.server.webflux.routes[0].predicates[0]=Path=/admin/**",
					"spring.cloud.gateway.server.webflux.routes[0].metadata.role[0]=admin")
			.run(context -> assertThat(failureMessages(context))
				.contains("spring.cloud.gateway.server.webflux.routes[0].metadata.role: unknown policy key"));
	}

	@Test
	void malformedRouteRoleNamesTheEntry() {
		this.runner
			.withPropertyValues("spring.cloud.gateway.server.webflux.routes[0].id=admin",
					"spring.cloud.gateway.server.webflux.routes[0].uri=http://localhost:9100",
					"spring.cloud.gateway.server.webflux.routes[0].predicates[0]=Path=/admin/**",
					"spring.cloud.gateway.server.webflux.routes[0].metadata.roles[0]=user",
					"spring.cloud.gateway.server.webflux.routes[0].metadata.roles[1]=ad min")
			.run(context -> assertThat(failureMessages(context)).contains(
					"spring.cloud.gateway.server.webflux.routes[0].metadata.roles[1]: 'ad min' is not a role name"));
	}

	@Test
	void aRouteIssuerThatIsNotConfiguredNamesTheRouteAndKey() {
		this.runner
			.withPropertyValues(JWKS_ISSUER, "gatehouse.gateway.issuers[0].audiences[0]=gatehouse",
					"gatehouse.gateway.issuers[0].jwks-uri=http://issuer.test/jwks",
					"spring.cloud.gateway.server.webflux.routes[0].id=partner-api",
					"spring.cloud.gateway.server.webflux.routes[0].uri=http://localhost:9100",
					"spring.cloud.gateway.server.webflux.routes[0].predicates[0]=Path=/partner/**",
					"spring.cloud.gateway.server.webflux.routes[0].metadata.issuers[0]=http://issuer.test",
					"spring.cloud.gateway.server.webflux.routes[0].metadata.issuers[1]=https://partner.example")
			.run(context -> assertThat(failureMessages(context)).contains(
					"spring.cloud.gateway.server.webflux.routes[0].metadata.issuers[1]: 'https://partner.example' is not a configured issuer",
					"(route 'partner-api')"));
	}

	@Test
	void claimConditionsPlansAndHeadersAreReadAsSpringBootBindsThem() {
		String route = "spring.cloud.gateway.server.webflux.routes[0].";
		this.runner
			.withPropertyValues(JWKS_ISSUER, "gatehouse.gateway.issuers[0].audiences[0]=gatehouse",
					"gatehouse.gateway.issuers[0].jwks-uri=http://issuer.test/jwks", route + "id=tenants",
					route + "uri=http://localhost:9100", route + "predicates[0]=Path=/tenants/{tenant}/**",
					route + "metadata.claims.tenant={tenant}", route + "metadata.claims.org.id=acme",
					route + "metadata.claims.plan[0]=gold", route + "metadata.claims.plan[1]=silver",
					route + "metadata.claims.email.matches=.*@example\\.com",
					route + "metadata.headers.X-Tenant=tenant", route + "metadata.rate-limit[0].requests=100",
					route + "metadata.rate-limit[0].period=60s", route + "metadata.rate-limit[0].key=claim:tenant",
					route + "metadata.rate-limit[1].requests=1000", route + "metadata.rate-limit[1].period=60s",
					route + "metadata.rate-limit[1].key=client", route + "metadata.rate-limit[1].when.plan=gold")
			.run(context -> {
				assertThat(context).hasNotFailed();
				RoutePolicy policy = context.getBean(RoutePolicies.class)
					.policyOf(context.getBean(org.springframework.cloud.gateway.config.GatewayProperties.class)
						.getRoutes()
						.get(0));
				assertThat(policy.claims()).extracting((condition) -> condition.claim().toString())
					.containsExactlyInAnyOrder("tenant", "org.id", "plan", "email");
				assertThat(policy.headers()).hasSize(1);
				assertThat(policy.rateLimits()).hasSize(2);
			});
	}

	@Test
	void everyClaimProblemOfARouteStopsStartUpNamingItsKey() {
		String route = "spring.cloud.gateway.server.webflux.routes[0].";
		String metadata = "spring.cloud.gateway.server.webflux.routes[0].metadata.";
		this.runner
			.withPropertyValues(route + "id=orgs", route + "uri=http://localhost:9100",
					route + "predicates[0]=Path=/orgs/{org}/**", route + "metadata.claims.tenant={tenant}",
					route + "metadata.claims.email.match=.*", route + "metadata.headers.X-Auth-Tenant=tenant",
					route + "metadata.rate-limit.requests=5", route + "metadata.rate-limit.period=60s",
					route + "metadata.rate-limit.key=tenant")
			.run(context -> assertThat(failureMessages(context)).contains(metadata
					+ "claims.tenant: the route's Path predicate defines no URI variable {tenant} (it defines [org])",
					metadata + "claims.email.match: unknown operator",
					metadata + "headers.X-Auth-Tenant: the gateway sets this header itself",
					metadata + "rate-limit.key: must be subject, ip, route, client or claim:<name>"));
	}

	@Test
	void dpopSettingsAreValidatedAtStartUpNamingTheKey() {
		this.runner.withPropertyValues("gatehouse.gateway.dpop.signing-algorithms=ES256,HS256")
			.run(context -> assertThat(failureMessages(context)).contains("gatehouse.gateway.dpop")
				.contains("'HS256' is not a DPoP proof algorithm"));
		this.runner.withPropertyValues("gatehouse.gateway.dpop.public-base-url=https://api.example.com/v1")
			.run(context -> assertThat(failureMessages(context)).contains("public-base-url"));
		this.runner.withPropertyValues("gatehouse.gateway.dpop.max-age=0s")
			.run(context -> assertThat(failureMessages(context)).contains("maxAge"));
		this.runner.withPropertyValues("gatehouse.gateway.dpop.public-base-url=https://api.example.com")
			.run(context -> assertThat(context).hasNotFailed());
	}

	@Test
	void unknownRateLimitStoreNamesTheKey() {
		this.runner.withPropertyValues("gatehouse.gateway.rate-limit.store=mongo")
			.run(context -> assertThat(failureMessages(context))
				.contains("Failed to bind properties under 'gatehouse.gateway.rate-limit.store'"));
		this.runner.withPropertyValues("gatehouse.gateway.rate-limit.on-store-failure=maybe")
			.run(context -> assertThat(failureMessages(context))
				.contains("Failed to bind properties under 'gatehouse.gateway.rate-limit.on-store-failure'"));
		this.runner
			.withPropertyValues("gatehouse.gateway.rate-limit.store=REDIS",
					"gatehouse.gateway.rate-limit.on-store-failure=Deny")
			.run(context -> assertThat(context.getBean(GatehouseProperties.class).rateLimit())
				.isEqualTo(new GatehouseProperties.RateLimit(GatehouseProperties.RateLimit.Store.REDIS,
						GatehouseProperties.RateLimit.OnStoreFailure.DENY, 1_000_000)));
	}

	@Test
	void trustedProxiesAreCidrRangesAndABadEntryIsNamed() {
		this.runner.withPropertyValues("gatehouse.gateway.trusted-proxies=10.0.0.0/8,2001:db8::/32,192.0.2.7,::1")
			.run(context -> assertThat(context).hasNotFailed());
		// an empty environment variable (GATEHOUSE_GATEWAY_TRUSTED_PROXIES=) trusts
		// nobody
		this.runner.withPropertyValues("gatehouse.gateway.trusted-proxies=")
			.run(context -> assertThat(context).hasNotFailed());
		this.runner
			.withPropertyValues("gatehouse.gateway.trusted-proxies[0]=10.0.0.0/8",
					"gatehouse.gateway.trusted-proxies[1]=10\\.0\\.0\\.\\d+",
					"gatehouse.gateway.trusted-proxies[2]=10.0.0.0/40")
			.run(context -> assertThat(bindingReport(context))
				.contains("Property: gatehouse.gateway.trustedProxies[1]",
						"Reason: '10\\.0\\.0\\.\\d+' is not an IP address or CIDR range")
				.contains("Property: gatehouse.gateway.trustedProxies[2]",
						"Reason: '10.0.0.0/40' has an invalid prefix length"));
	}

	@Test
	void memoryMaxKeysAllowedMethodsAndRequestHeadTimeoutAreChecked() {
		this.runner
			.withPropertyValues("gatehouse.gateway.rate-limit.memory-max-keys=0",
					"gatehouse.gateway.allowed-methods=GET,get,", "gatehouse.gateway.request-head-timeout=0s")
			.run(context -> assertThat(bindingReport(context))
				.contains("Property: gatehouse.gateway.rateLimit.memoryMaxKeys", "Reason: must be positive, was 0")
				.contains("Property: gatehouse.gateway.allowedMethods[1]",
						"Reason: 'get' is not a method name (upper-case letters, e.g. GET)")
				.contains("Property: gatehouse.gateway.requestHeadTimeout", "Reason: must be positive, was PT0S"));
	}

	@Test
	void askingSpringBootToHandleForwardedHeadersStopsStartUp() {
		for (String strategy : new String[] { "native", "framework" }) {
			this.runner.withPropertyValues("server.forward-headers-strategy=" + strategy)
				.run(context -> assertThat(failureMessages(context))
					.contains("server.forward-headers-strategy: must be 'none', was '" + strategy + "'")
					.contains("gatehouse.gateway.trusted-proxies"));
		}
		this.runner.withPropertyValues("server.forward-headers-strategy=none")
			.run(context -> assertThat(context).hasNotFailed());
	}

}
