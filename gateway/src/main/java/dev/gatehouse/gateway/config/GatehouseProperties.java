package dev.gatehouse.gateway.config;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import jakarta.validation.Valid;
import jakarta.validation.constraints.AssertTrue;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Positive;
import org.hibernate.validator.constraints.time.DurationMin;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

import dev.gatehouse.gateway.forwarding.TrustedProxy;

/**
 * Gatehouse gateway settings ({@code gatehouse.gateway.*}), validated when they are
 * bound: a mistake stops start-up with Spring Boot's report naming the property. A rule
 * over several fields is an {@code @AssertTrue} method whose message starts with the key
 * it judges, relative to the record that holds it. (Not Spring Cloud Gateway's own
 * {@code GatewayProperties}, which holds the routes.)
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
@ConfigurationProperties(GatehouseProperties.PREFIX)
@Validated
public record GatehouseProperties(@Valid @DefaultValue List<Issuer> issuers,
		@NotNull @DurationMin(seconds = 0, message = ZERO_OR_POSITIVE) @DefaultValue("30s") Duration clockSkew,
		@NotNull @DurationMin(nanos = 0, inclusive = false,
				message = POSITIVE) @DefaultValue("24h") Duration maxTokenLifetime,
		@DefaultValue List<@TrustedProxy String> trustedProxies,
		@NotEmpty(message = "must list at least one method") @DefaultValue( {
				"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE",
				"OPTIONS" }) List<@NotNull(message = NOT_A_METHOD) @Pattern(regexp = "[A-Z][A-Z_-]{0,31}",
						message = NOT_A_METHOD) String> allowedMethods,
		@NotNull @DurationMin(nanos = 0, inclusive = false,
				message = POSITIVE) @DefaultValue("10s") Duration requestHeadTimeout,
		@Valid @DefaultValue TokenCache tokenCache, @Valid @DefaultValue RateLimit rateLimit,
		@Valid @DefaultValue Revocation revocation, String routesFile, @NotNull @DurationMin(nanos = 0,
				inclusive = false, message = POSITIVE) @DefaultValue("2s") Duration routesFilePollInterval){

	/** Prefix of every Gatehouse gateway property. */
	public static final String PREFIX = "gatehouse.gateway";

	/** JWS algorithms Gatehouse can verify. {@code none} is deliberately absent. */
	static final String ALGORITHMS = "RS256|RS384|RS512|PS256|PS384|PS512|ES256|ES384|ES512|EdDSA|HS256|HS384|HS512";

	/** Minimum HMAC secret length in bytes (256 bits). */
	static final int MIN_HMAC_SECRET_BYTES = 32;

	static final String POSITIVE = "must be positive, was ${validatedValue}";

	static final String ZERO_OR_POSITIVE = "must be zero or positive, was ${validatedValue}";

	static final String NOT_A_METHOD = "'${validatedValue}' is not a method name (upper-case letters, e.g. GET)";

	/**
	 * Each issuer once: a token is attributed to its issuer by {@code iss} alone.
	 * @return whether no {@code issuer} value repeats
	 */
	@AssertTrue(message = "issuers: the same 'issuer' is configured more than once")
	boolean isIssuersUnique() {
		Set<String> seen = new HashSet<>();
		return this.issuers.stream().map(Issuer::issuer).filter(GatehouseProperties::hasText).allMatch(seen::add);
	}

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
	 * @param jwksUri JWKS document URL (http or https)
	 * @param jwksCacheTtl how long a fetched JWKS is used before it is refreshed
	 * @param jwksRefetchCooldown minimum time between fetches caused by unknown
	 * {@code kid} values
	 * @param publicKeyFile path of a PEM-encoded public key (SubjectPublicKeyInfo)
	 * @param hmacSecret shared secret; its UTF-8 bytes are the key (at least 32 bytes, 48
	 * for HS384, 64 for HS512)
	 */
	public record Issuer(@NotBlank(message = "must be set (the exact 'iss' value of its tokens)") String issuer,
			@NotEmpty(message = "must list at least one accepted 'aud' value") @DefaultValue List<@NotBlank(
					message = "must not be blank") String> audiences,
			@DefaultValue List<@NotNull @Pattern(regexp = ALGORITHMS,
					message = "'${validatedValue}' is not an algorithm Gatehouse verifies (never 'none'); expected one of "
							+ ALGORITHMS) String> algorithms,
			@DefaultValue("") String requireTyp, URI jwksUri,
			@NotNull @DurationMin(nanos = 0, inclusive = false,
					message = POSITIVE) @DefaultValue("5m") Duration jwksCacheTtl,
			@NotNull @DurationMin(seconds = 0,
					message = ZERO_OR_POSITIVE) @DefaultValue("10s") Duration jwksRefetchCooldown,
			String publicKeyFile, String hmacSecret) {

		/** The algorithms in force: configured, or the default for the key source. */
		public List<String> effectiveAlgorithms() {
			if (!this.algorithms.isEmpty()) {
				return this.algorithms;
			}
			return hasHmacSecret() ? List.of("HS256") : List.of("RS256");
		}

		@AssertTrue(message = "needs exactly one key source of jwks-uri, public-key-file, hmac-secret")
		boolean isOneKeySource() {
			int count = (this.jwksUri != null) ? 1 : 0;
			count += hasText(this.publicKeyFile) ? 1 : 0;
			count += hasHmacSecret() ? 1 : 0;
			return count == 1;
		}

		@AssertTrue(message = "algorithms: must fit the key source (hmac-secret needs HS256/HS384/HS512; "
				+ "a public key cannot verify HMAC algorithms)")
		boolean isAlgorithmsFitKeySource() {
			boolean hmac = hasHmacSecret();
			return !isOneKeySource() || this.algorithms.stream()
				.filter((alg) -> alg != null && alg.matches(ALGORITHMS))
				.allMatch((alg) -> alg.startsWith("HS") == hmac);
		}

		@AssertTrue(message = "hmac-secret: must be at least 32 bytes (48 for HS384, 64 for HS512)")
		boolean isHmacSecretLongEnough() {
			if (!hasHmacSecret()) {
				return true;
			}
			int needed = MIN_HMAC_SECRET_BYTES;
			for (String alg : effectiveAlgorithms()) {
				if (alg != null && alg.matches("HS\\d{3}")) {
					needed = Math.max(needed, Integer.parseInt(alg.substring(2)) / 8);
				}
			}
			return this.hmacSecret.getBytes(StandardCharsets.UTF_8).length >= needed;
		}

		@AssertTrue(message = "public-key-file: must be a readable file")
		boolean isPublicKeyFileReadable() {
			return !hasText(this.publicKeyFile) || Files.isReadable(Path.of(this.publicKeyFile));
		}

		@AssertTrue(message = "jwks-uri: must be an http(s) URL")
		boolean isJwksUriHttp() {
			String scheme = (this.jwksUri != null) ? this.jwksUri.getScheme() : "http";
			return "https".equalsIgnoreCase(scheme) || "http".equalsIgnoreCase(scheme);
		}

		private boolean hasHmacSecret() {
			return this.hmacSecret != null && !this.hmacSecret.isEmpty();
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
	public record TokenCache(@DefaultValue("true") boolean enabled,
			@Positive(message = POSITIVE) @DefaultValue("10000") long maximumSize) {

	}

	/**
	 * Rate limiting of routes with {@code rate-limit} metadata.
	 *
	 * @param store where the counters live
	 * @param onStoreFailure what a request gets while the store fails
	 * @param memoryMaxKeys most counters the {@code memory} store keeps (the coldest are
	 * evicted beyond it)
	 */
	public record RateLimit(@NotNull @DefaultValue("memory") Store store,
			@NotNull @DefaultValue("allow") OnStoreFailure onStoreFailure,
			@Min(value = 1, message = POSITIVE) @DefaultValue("1000000") long memoryMaxKeys) {

		/** Where the rate-limit counters live. */
		public enum Store {

			/** In this instance's memory: each instance counts alone. */
			MEMORY,

			/** In Redis: one count shared by every instance (needs Redis configured). */
			REDIS

		}

		/** What a request gets while the rate-limit store fails. */
		public enum OnStoreFailure {

			/** Let it through (logged and counted). */
			ALLOW,

			/** Refuse it (logged and counted). */
			DENY

		}

	}

	/**
	 * Revocation enforcement (active when Redis is configured).
	 *
	 * @param resyncInterval how often every revocation key is reloaded from Redis, on top
	 * of pub/sub messages and the reload after each reconnect
	 */
	public record Revocation(@NotNull @DurationMin(nanos = 0, inclusive = false,
			message = POSITIVE) @DefaultValue("30s") Duration resyncInterval) {

	}

	static boolean hasText(String value) {
		return value != null && !value.isBlank();
	}

}
