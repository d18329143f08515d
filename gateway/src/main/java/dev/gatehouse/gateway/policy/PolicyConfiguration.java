package dev.gatehouse.gateway.policy;

import io.micrometer.core.instrument.MeterRegistry;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import dev.gatehouse.gateway.config.GatehouseProperties;
import dev.gatehouse.gateway.security.BearerTokenExtractor;
import dev.gatehouse.gateway.security.TokenRevocationCheck;
import dev.gatehouse.gateway.security.TokenVerifier;
import dev.gatehouse.gateway.security.dpop.DpopEnforcement;

/**
 * Route policy: every route's {@code metadata} parsed (and validated at start-up) and the
 * filter that enforces it.
 */
@Configuration(proxyBeanMethods = false)
public class PolicyConfiguration {

	@Bean
	RoutePolicies routePolicies(org.springframework.cloud.gateway.config.GatewayProperties routes,
			GatehouseProperties properties) {
		RoutePolicies policies = new RoutePolicies(properties.issuers()
			.stream()
			.map(GatehouseProperties.Issuer::issuer)
			.filter(java.util.Objects::nonNull)
			.toList());
		policies.validate(routes.getRoutes());
		return policies;
	}

	@Bean
	PolicyEnforcementFilter policyEnforcementFilter(RoutePolicies policies, TokenVerifier verifier,
			ObjectProvider<TokenRevocationCheck> revocation, MeterRegistry meters, DpopEnforcement dpop) {
		// RevocationConfiguration supplies the check (and warns when Redis is absent);
		// none at all: nothing is revoked
		return new PolicyEnforcementFilter(policies, new BearerTokenExtractor(), verifier,
				revocation.getIfAvailable(() -> TokenRevocationCheck.NONE), meters, dpop);
	}

}
