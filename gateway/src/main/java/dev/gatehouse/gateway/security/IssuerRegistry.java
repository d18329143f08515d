package dev.gatehouse.gateway.security;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.jsonwebtoken.security.Keys;
import io.micrometer.core.instrument.MeterRegistry;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import org.springframework.web.reactive.function.client.WebClient;

import dev.gatehouse.gateway.config.GatehouseProperties;

/**
 * Builds one {@link IssuerVerifier} per configured issuer and the
 * {@link JwtTokenVerifier} over them. Reading a PEM file happens here, at start-up.
 */
final class IssuerRegistry {

	private final Map<String, IssuerVerifier> verifiers = new LinkedHashMap<>();

	private final List<JwksKeySource> jwksSources = new ArrayList<>();

	private final Clock clock;

	private final GatehouseProperties properties;

	public IssuerRegistry(GatehouseProperties properties, WebClient jwksClient, Clock clock, MeterRegistry meters) {
		this.clock = clock;
		this.properties = properties;
		for (GatehouseProperties.Issuer issuer : properties.issuers()) {
			IssuerKeySource keys = keySource(issuer, jwksClient, clock, meters);
			this.verifiers.put(issuer.issuer(), new IssuerVerifier(issuer.issuer(), issuer.audiences(),
					issuer.effectiveAlgorithms(), issuer.requireTyp(), keys));
		}
	}

	private IssuerKeySource keySource(GatehouseProperties.Issuer issuer, WebClient jwksClient, Clock clock,
			MeterRegistry meters) {
		if (issuer.jwksUri() != null) {
			JwksKeySource source = new JwksKeySource(issuer.issuer(), issuer.jwksUri(), issuer.jwksCacheTtl(),
					issuer.jwksRefetchCooldown(), jwksClient, clock, meters);
			this.jwksSources.add(source);
			return source;
		}
		if (issuer.publicKeyFile() != null && !issuer.publicKeyFile().isBlank()) {
			return new StaticKeySource(PemPublicKeyReader.read(Path.of(issuer.publicKeyFile())));
		}
		return new StaticKeySource(Keys.hmacShaKeyFor(issuer.hmacSecret().getBytes(StandardCharsets.UTF_8)));
	}

	/**
	 * @return a verifier over every configured issuer (without cache)
	 */
	public TokenVerifier verifier() {
		return new JwtTokenVerifier(this.verifiers, this.clock, this.properties.clockSkew(),
				this.properties.maxTokenLifetime());
	}

	/**
	 * Fetch every JWKS once, without waiting for the result; failures are logged and the
	 * first token triggers another attempt.
	 * @return completion of all fetches
	 */
	public Mono<Void> warmUp() {
		return Flux.fromIterable(this.jwksSources).flatMap(JwksKeySource::refresh).then();
	}

}
