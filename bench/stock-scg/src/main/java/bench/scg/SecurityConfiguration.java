package bench.scg;

import java.security.interfaces.RSAPublicKey;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.cloud.gateway.filter.GlobalFilter;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Profile;
import org.springframework.security.config.annotation.web.reactive.EnableWebFluxSecurity;
import org.springframework.security.config.web.server.ServerHttpSecurity;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.oauth2.jose.jws.SignatureAlgorithm;
import org.springframework.security.oauth2.jwt.JwtValidators;
import org.springframework.security.oauth2.jwt.NimbusReactiveJwtDecoder;
import org.springframework.security.oauth2.jwt.ReactiveJwtDecoder;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationToken;
import org.springframework.security.oauth2.server.resource.authentication.JwtGrantedAuthoritiesConverter;
import org.springframework.security.oauth2.server.resource.authentication.ReactiveJwtAuthenticationConverter;
import org.springframework.security.oauth2.server.resource.authentication.ReactiveJwtGrantedAuthoritiesConverterAdapter;
import org.springframework.security.web.server.SecurityWebFilterChain;

/**
 * Profile {@code security}: the route behind Spring Security's reactive resource server, configured as the Spring
 * Security reference shows it. Every request's RS256 signature is verified by Nimbus (no cache), the RFC 9068
 * access-token rules are checked ({@code typ: at+jwt}, issuer, audience, client id, exp, iat, jti...), the {@code roles}
 * claim must hold {@code user}, and the backend receives the subject and roles as headers.
 */
@Configuration(proxyBeanMethods = false)
@Profile("security")
@EnableWebFluxSecurity
class SecurityConfiguration {

	@Bean
	SecurityWebFilterChain springSecurityFilterChain(ServerHttpSecurity http) {
		http.authorizeExchange((exchanges) -> exchanges.pathMatchers("/api/**").hasRole("user")
				.anyExchange().authenticated())
			.oauth2ResourceServer((oauth2) -> oauth2.jwt((jwt) -> jwt.jwtAuthenticationConverter(rolesConverter())));
		return http.build();
	}

	@Bean
	ReactiveJwtDecoder jwtDecoder(@Value("${bench.public-key}") RSAPublicKey key, @Value("${bench.issuer}") String issuer,
			@Value("${bench.audience}") String audience, @Value("${bench.client-id}") String clientId) {
		NimbusReactiveJwtDecoder decoder = NimbusReactiveJwtDecoder.withPublicKey(key)
			.signatureAlgorithm(SignatureAlgorithm.RS256)
			.build();
		decoder.setJwtValidator(JwtValidators.createAtJwtValidator()
			.issuer(issuer)
			.audience(audience)
			.clientId(clientId)
			.build());
		return decoder;
	}

	private static ReactiveJwtAuthenticationConverter rolesConverter() {
		JwtGrantedAuthoritiesConverter authorities = new JwtGrantedAuthoritiesConverter();
		authorities.setAuthoritiesClaimName("roles");
		authorities.setAuthorityPrefix("ROLE_");
		ReactiveJwtAuthenticationConverter converter = new ReactiveJwtAuthenticationConverter();
		converter.setJwtGrantedAuthoritiesConverter(new ReactiveJwtGrantedAuthoritiesConverterAdapter(authorities));
		return converter;
	}

	/** The caller's identity for the backend; the bearer token itself is not forwarded. */
	@Bean
	GlobalFilter identityHeaders() {
		return (exchange, chain) -> exchange.getPrincipal()
			.cast(JwtAuthenticationToken.class)
			.map((auth) -> exchange.mutate()
				.request((request) -> request.headers((headers) -> {
					headers.remove("Authorization");
					headers.set("X-Auth-Subject", auth.getName());
					headers.set("X-Auth-Roles", String.join(",",
							auth.getAuthorities().stream().map(GrantedAuthority::getAuthority).toList()));
				}))
				.build())
			.defaultIfEmpty(exchange)
			.flatMap(chain::filter);
	}

}
