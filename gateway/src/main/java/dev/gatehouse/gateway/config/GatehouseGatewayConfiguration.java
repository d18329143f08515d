package dev.gatehouse.gateway.config;

import java.time.Clock;
import java.time.Duration;

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
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.event.EventListener;
import org.springframework.http.client.reactive.ReactorClientHttpConnector;
import org.springframework.web.reactive.function.client.WebClient;

import dev.gatehouse.gateway.forwarding.IdentityHeadersFilter;
import dev.gatehouse.gateway.forwarding.RequestIdWebFilter;
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
		RoutePolicies policies = new RoutePolicies(
				properties.issuers().stream().map(GatewayProperties.Issuer::issuer).filter(java.util.Objects::nonNull).toList());
		policies.validate(routes.getRoutes());
		return policies;
	}

	@Bean
	PolicyEnforcementFilter policyEnforcementFilter(RoutePolicies policies, TokenVerifier verifier,
			ObjectProvider<TokenRevocationCheck> revocation, MeterRegistry meters) {
		// RevocationConfiguration supplies the check (and warns when Redis is absent); none at all: nothing is revoked
		return new PolicyEnforcementFilter(policies, new BearerTokenExtractor(), verifier,
				revocation.getIfAvailable(() -> TokenRevocationCheck.NONE), meters);
	}

	@Bean
	IdentityHeadersFilter identityHeadersFilter(GatewayProperties properties) {
		return new IdentityHeadersFilter(properties.trustedProxies());
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
	GatewayExceptionHandler gatewayExceptionHandler(ObjectProvider<CircuitBreakerRegistry> circuitBreakers) {
		return new GatewayExceptionHandler(new ProblemResponseWriter(), new CircuitBreakerWait(circuitBreakers));
	}

	@EventListener(ApplicationReadyEvent.class)
	void warmUpKeys(ApplicationReadyEvent event) {
		IssuerRegistry issuers = event.getApplicationContext().getBean(IssuerRegistry.class);
		issuers.warmUp().subscribe(null, error -> log.warn("JWKS warm-up failed: {}", error.toString()));
	}

}
