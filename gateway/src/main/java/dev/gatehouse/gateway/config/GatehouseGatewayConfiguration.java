package dev.gatehouse.gateway.config;

import java.time.Clock;
import java.time.Duration;
import java.util.List;

import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.micrometer.core.instrument.MeterRegistry;
import io.netty.channel.ChannelOption;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.netty.http.client.HttpClient;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.reactor.netty.NettyReactiveWebServerFactory;
import org.springframework.boot.reactor.netty.NettyServerCustomizer;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.event.EventListener;
import org.springframework.core.env.Environment;
import org.springframework.http.client.reactive.ReactorClientHttpConnector;
import org.springframework.web.reactive.function.client.WebClient;
import org.springframework.web.server.adapter.ForwardedHeaderTransformer;

import dev.gatehouse.gateway.forwarding.BodylessRequestHeadersFilter;
import dev.gatehouse.gateway.forwarding.IdentityHeadersFilter;
import dev.gatehouse.gateway.forwarding.RequestIdWebFilter;
import dev.gatehouse.gateway.forwarding.TrustedProxies;
import dev.gatehouse.gateway.path.MethodGuardWebFilter;
import dev.gatehouse.gateway.path.PathGuardWebFilter;
import dev.gatehouse.gateway.policy.PolicyEnforcementFilter;
import dev.gatehouse.gateway.policy.RoutePolicies;
import dev.gatehouse.gateway.problem.GatewayExceptionHandler;
import dev.gatehouse.gateway.problem.ProblemResponseWriter;
import dev.gatehouse.gateway.security.BearerTokenExtractor;
import dev.gatehouse.gateway.security.CachingTokenVerifier;
import dev.gatehouse.gateway.security.IssuerRegistry;
import dev.gatehouse.gateway.security.TokenRevocationCheck;
import dev.gatehouse.gateway.security.TokenVerifier;

/**
 * Wires the enforcing gateway: settings validation, token verification, route policy,
 * forwarding headers, path guard and problem+json errors.
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(GatewayProperties.class)
public class GatehouseGatewayConfiguration {

	private static final Logger log = LoggerFactory.getLogger(GatehouseGatewayConfiguration.class);

	@Bean
	@ConditionalOnMissingBean
	Clock clock() {
		return Clock.systemUTC();
	}

	@Bean
	IssuerRegistry issuerRegistry(GatewayProperties properties, Clock clock, MeterRegistry meters) {
		GatewayPropertiesValidator.validate(properties);
		HttpClient httpClient = HttpClient.create()
			.option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 2000)
			.responseTimeout(Duration.ofSeconds(5));
		WebClient jwksClient = WebClient.builder().clientConnector(new ReactorClientHttpConnector(httpClient)).build();
		return new IssuerRegistry(properties, jwksClient, clock, meters);
	}

	@Bean
	TokenVerifier tokenVerifier(IssuerRegistry issuers, GatewayProperties properties, Clock clock) {
		TokenVerifier verifier = issuers.verifier();
		if (!properties.tokenCache().enabled()) {
			return verifier;
		}
		return new CachingTokenVerifier(verifier, clock, properties.tokenCache().maximumSize());
	}

	@Bean
	RoutePolicies routePolicies(org.springframework.cloud.gateway.config.GatewayProperties routes,
			GatewayProperties properties) {
		RoutePolicies policies = new RoutePolicies(properties.issuers()
			.stream()
			.map(GatewayProperties.Issuer::issuer)
			.filter(java.util.Objects::nonNull)
			.toList());
		policies.validate(routes.getRoutes());
		return policies;
	}

	@Bean
	PolicyEnforcementFilter policyEnforcementFilter(RoutePolicies policies, TokenVerifier verifier,
			ObjectProvider<TokenRevocationCheck> revocation, MeterRegistry meters) {
		// RevocationConfiguration supplies the check (and warns when Redis is absent);
		// none at all: nothing is revoked
		return new PolicyEnforcementFilter(policies, new BearerTokenExtractor(), verifier,
				revocation.getIfAvailable(() -> TokenRevocationCheck.NONE), meters);
	}

	/**
	 * The one place that decides whose {@code X-Forwarded-*} is believed. Spring Boot's
	 * own forwarded-header handling stays off
	 * ({@code server.forward-headers-strategy: none} in application.yml, and
	 * {@link ForwardedHeadersOff}): on a platform it detects it would otherwise let
	 * Reactor Netty take the client's {@code X-Forwarded-For} as the remote address.
	 */
	@Bean
	TrustedProxies trustedProxies(GatewayProperties properties, Environment environment,
			ObjectProvider<ForwardedHeaderTransformer> forwardedHeaderTransformer) {
		GatewayPropertiesValidator.validate(properties);
		// unset is fine too: ForwardedHeadersOff keeps Reactor Netty's handling off; a
		// value asking for any must not
		// look as if it were honoured
		String strategy = environment.getProperty("server.forward-headers-strategy", "");
		boolean none = strategy.isBlank() || "none".equalsIgnoreCase(strategy.trim());
		if (!none || forwardedHeaderTransformer.getIfAvailable() != null) {
			throw new InvalidGatewayConfigurationException(
					List.of("server.forward-headers-strategy: must be 'none', was '" + strategy
							+ "' (the gateway alone decides whose X-Forwarded-* to believe: set "
							+ TrustedProxies.PROPERTY + " instead)"));
		}
		return TrustedProxies.of(properties.trustedProxies());
	}

	/**
	 * Runs after Spring Boot's own Netty customizer: whatever the platform or properties,
	 * Reactor Netty never derives the remote address, scheme or host from
	 * {@code X-Forwarded-*} / {@code Forwarded}.
	 */
	@Bean
	WebServerFactoryCustomizer<NettyReactiveWebServerFactory> gatehouseForwardedHeadersOff() {
		return new ForwardedHeadersOff();
	}

	/**
	 * See {@link RequestHeadTimeout}; {@code server.netty.idle-timeout} bounds keep-alive
	 * connections.
	 */
	@Bean
	NettyServerCustomizer gatehouseRequestHeadTimeout(GatewayProperties properties) {
		// the web server is built before the other beans: report configuration mistakes
		// from here already
		GatewayPropertiesValidator.validate(properties);
		return new RequestHeadTimeout(properties.requestHeadTimeout());
	}

	@Bean
	IdentityHeadersFilter identityHeadersFilter(TrustedProxies trustedProxies) {
		return new IdentityHeadersFilter(trustedProxies);
	}

	@Bean
	RequestIdWebFilter requestIdWebFilter() {
		return new RequestIdWebFilter();
	}

	@Bean
	PathGuardWebFilter pathGuardWebFilter() {
		return new PathGuardWebFilter();
	}

	@Bean
	MethodGuardWebFilter methodGuardWebFilter(GatewayProperties properties) {
		return new MethodGuardWebFilter(properties.allowedMethods());
	}

	@Bean
	BodylessRequestHeadersFilter bodylessRequestHeadersFilter() {
		return new BodylessRequestHeadersFilter();
	}

	@Bean
	GatewayExceptionHandler gatewayExceptionHandler(ObjectProvider<CircuitBreakerRegistry> circuitBreakers) {
		return new GatewayExceptionHandler(new ProblemResponseWriter(), new CircuitBreakerWait(circuitBreakers));
	}

	@EventListener(ApplicationReadyEvent.class)
	void warmUpKeys(ApplicationReadyEvent event) {
		IssuerRegistry issuers = event.getApplicationContext().getBean(IssuerRegistry.class);
		issuers.warmUp().subscribe(null, error -> log.warn("JWKS warm-up failed: {}", error.toString()));
	}

}
