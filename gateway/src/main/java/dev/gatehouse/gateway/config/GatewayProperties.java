package dev.gatehouse.gateway.config;

import java.net.URI;
import java.time.Duration;
import java.util.List;

import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Positive;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Gatehouse gateway settings ({@code gatehouse.gateway.*}). Cross-field rules (one key
 * source per issuer, HMAC length, algorithm names) are checked by
 * {@link GatewayPropertiesValidator}, which names the offending key.
 *
 * @param issuers token issuers the gateway trusts; a token is attributed to the issuer
 * whose {@code issuer} equals its {@code iss} claim
 * @param clockSkew tolerance applied to {@code exp}, {@code nbf} and {@code iat}
 * @param maxTokenLifetime longest accepted {@code exp - iat} (and {@code exp - now})
 * @param trustedProxies IP addresses and CIDR ranges (IPv4 and IPv6) of the proxies in
 * front of the gateway; only such socket peers may supply
 * {@code X-Forwarded-For/Proto/Host}; empty (the default, for a gateway at the edge)
 * trusts nobody
 * @param allowedMethods request methods the gateway accepts; any other answers 405 before
 * routing
 * @param requestHeadTimeout how long a new connection may take to send its first complete
 * request head (line and headers) before it is closed
 * @param tokenCache the verified-token cache
 * @param rateLimit rate-limit store and its failure policy
 * @param revocation how the revocations published in Redis are kept current
 * @param routesFile a YAML file of routes
 * ({@code spring.cloud.gateway.server.webflux.routes}, shaped like application YAML) that
 * is watched and reloaded while the gateway runs; unset: only the application
 * configuration's routes
 * @param routesFilePollInterval how often the routes file is read for changes (a change
 * is applied once two reads in a row agree)
 */
@ConfigurationProperties(GatewayProperties.PREFIX)
@Validated
public record GatewayProperties(@Valid @DefaultValue List<Issuer> issuers,
		@NotNull @DefaultValue("30s") Duration clockSkew, @NotNull @DefaultValue("24h") Duration maxTokenLifetime,
		@DefaultValue List<String> trustedProxies, @DefaultValue( {
				"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS" }) List<String> allowedMethods,
		@NotNull @DefaultValue("10s") Duration requestHeadTimeout, @Valid @DefaultValue TokenCache tokenCache,
		@Valid @DefaultValue RateLimit rateLimit, @Valid @DefaultValue Revocation revocation, String routesFile,
		@NotNull @DefaultValue("2s") Duration routesFilePollInterval){

	/** Prefix of every Gatehouse gateway property. */
	public static final String PREFIX = "gatehouse.gateway";

	/**
	 * One trusted issuer. Exactly one of {@code jwksUri}, {@code publicKeyFile},
	 * {@code hmacSecret} must be set.
	 *
	 * @param issuer exact {@code iss} value
	 * @param audiences accepted {@code aud} values (any one must be present; at least one
	 * must be configured)
	 * @param algorithms allowed JWS {@code alg} values; default RS256 for key-pair
	 * sources and HS256 for an HMAC secret
	 * @param requireTyp required JOSE {@code typ} header (e.g. {@code at+jwt}), compared
	 * case-insensitively with an optional {@code application/} prefix; empty: not checked
	 * @param jwksUri JWKS document URL
	 * @param jwksCacheTtl how long a fetched JWKS is used before it is refreshed
	 * @param jwksRefetchCooldown minimum time between fetches caused by unknown
	 * {@code kid} values
	 * @param publicKeyFile path of a PEM-encoded public key (SubjectPublicKeyInfo)
	 * @param hmacSecret shared secret; its UTF-8 bytes are the key (at least 32 bytes)
	 */
	public record Issuer(String issuer, @DefaultValue List<String> audiences, @DefaultValue List<String> algorithms,
			@DefaultValue("") String requireTyp, URI jwksUri, @DefaultValue("5m") Duration jwksCacheTtl,
			@DefaultValue("10s") Duration jwksRefetchCooldown, String publicKeyFile, String hmacSecret) {

		/** How many key sources are configured (exactly one is valid). */
		int keySourceCount() {
			int count = 0;
			count += (this.jwksUri != null) ? 1 : 0;
			count += hasText(this.publicKeyFile) ? 1 : 0;
			count += (this.hmacSecret != null && !this.hmacSecret.isEmpty()) ? 1 : 0;
			return count;
		}

		/** The algorithms in force: configured, or the default for the key source. */
		public List<String> effectiveAlgorithms() {
			if (!this.algorithms.isEmpty()) {
				return this.algorithms;
			}
			return (this.hmacSecret != null && !this.hmacSecret.isEmpty()) ? List.of("HS256") : List.of("RS256");
		}

		@Override
		public String toString() {
			// never print the secret
			return "Issuer[" + this.issuer + "]";
		}

	}

	/**
	 * Verified-token cache.
	 *
	 * @param enabled whether verified tokens are cached
	 * @param maximumSize upper bound on cached tokens
	 */
	public record TokenCache(@DefaultValue("true") boolean enabled, @Positive @DefaultValue("10000") long maximumSize) {

	}

	/**
	 * Rate limiting of routes with {@code rate-limit} metadata.
	 *
	 * @param store {@code memory} (per instance) or {@code redis} (shared by every
	 * instance)
	 * @param onStoreFailure {@code allow} or {@code deny} when the store fails
	 * @param memoryMaxKeys most counters the {@code memory} store keeps (the coldest are
	 * evicted beyond it)
	 */
	public record RateLimit(@DefaultValue("memory") String store, @DefaultValue("allow") String onStoreFailure,
			@DefaultValue("1000000") long memoryMaxKeys) {

	}

	/**
	 * Revocation enforcement (active when Redis is configured).
	 *
	 * @param resyncInterval how often every revocation key is reloaded from Redis, on top
	 * of pub/sub messages and the reload after each reconnect
	 */
	public record Revocation(@NotNull @DefaultValue("30s") Duration resyncInterval) {

	}

	static boolean hasText(String value) {
		return value != null && !value.isBlank();
	}

}
