package dev.gatehouse.gateway.config;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

import dev.gatehouse.gateway.forwarding.TrustedProxies;

/**
 * Cross-field checks of {@link GatewayProperties} that bean validation cannot express.
 * Every message starts with the full property key.
 */
public final class GatewayPropertiesValidator {

	/** JWS algorithms Gatehouse can verify. {@code none} is deliberately absent. */
	public static final Set<String> SUPPORTED_ALGORITHMS = Set.of("RS256", "RS384", "RS512", "PS256", "PS384", "PS512",
			"ES256", "ES384", "ES512", "EdDSA", "HS256", "HS384", "HS512");

	/** Minimum HMAC secret length in bytes (256 bits). */
	public static final int MIN_HMAC_SECRET_BYTES = 32;

	/**
	 * A request method as clients send it (methods are case-sensitive; every registered
	 * one is upper case).
	 */
	private static final Pattern METHOD = Pattern.compile("[A-Z][A-Z_-]{0,31}");

	private GatewayPropertiesValidator() {
	}

	/**
	 * Check the properties.
	 * @param properties bound properties
	 * @throws InvalidGatewayConfigurationException naming every offending key
	 */
	public static void validate(GatewayProperties properties) {
		List<String> problems = new ArrayList<>();
		String prefix = GatewayProperties.PREFIX;
		positive(problems, prefix + ".clock-skew", properties.clockSkew(), true);
		positive(problems, prefix + ".max-token-lifetime", properties.maxTokenLifetime(), false);
		positive(problems, prefix + ".revocation.resync-interval", properties.revocation().resyncInterval(), false);
		positive(problems, prefix + ".request-head-timeout", properties.requestHeadTimeout(), false);
		positive(problems, prefix + ".routes-file-poll-interval", properties.routesFilePollInterval(), false);
		for (int i = 0; i < properties.trustedProxies().size(); i++) {
			String problem = TrustedProxies.problem(properties.trustedProxies().get(i));
			if (problem != null) {
				problems.add(prefix + ".trusted-proxies[" + i + "]: " + problem);
			}
		}
		if (properties.allowedMethods().isEmpty()) {
			problems.add(prefix + ".allowed-methods: must list at least one method");
		}
		for (int i = 0; i < properties.allowedMethods().size(); i++) {
			String method = properties.allowedMethods().get(i);
			if (method == null || !METHOD.matcher(method).matches()) {
				problems.add(prefix + ".allowed-methods[" + i + "]: '" + method
						+ "' is not a method name (upper-case letters, e.g. GET)");
			}
		}
		String store = properties.rateLimit().store();
		if (!Set.of("memory", "redis").contains(store)) {
			problems.add(prefix + ".rate-limit.store: must be 'memory' or 'redis', was '" + store + "'");
		}
		String onFailure = properties.rateLimit().onStoreFailure();
		if (!Set.of("allow", "deny").contains(onFailure)) {
			problems.add(prefix + ".rate-limit.on-store-failure: must be 'allow' or 'deny', was '" + onFailure + "'");
		}
		long maxKeys = properties.rateLimit().memoryMaxKeys();
		if (maxKeys < 1) {
			problems.add(prefix + ".rate-limit.memory-max-keys: must be positive, was " + maxKeys);
		}
		Set<String> seen = new HashSet<>();
		for (int i = 0; i < properties.issuers().size(); i++) {
			validateIssuer(problems, prefix + ".issuers[" + i + "]", properties.issuers().get(i), seen);
		}
		if (!problems.isEmpty()) {
			throw new InvalidGatewayConfigurationException(problems);
		}
	}

	private static void validateIssuer(List<String> problems, String key, GatewayProperties.Issuer issuer,
			Set<String> seen) {
		if (!GatewayProperties.hasText(issuer.issuer())) {
			problems.add(key + ".issuer: must be set (the exact 'iss' value of its tokens)");
		}
		else if (!seen.add(issuer.issuer())) {
			problems.add(key + ".issuer: '" + issuer.issuer() + "' is configured more than once");
		}
		if (issuer.keySourceCount() != 1) {
			problems.add(key + ": needs exactly one key source of jwks-uri, public-key-file, hmac-secret (found "
					+ issuer.keySourceCount() + ")");
		}
		boolean hmac = issuer.hmacSecret() != null && !issuer.hmacSecret().isEmpty();
		for (int i = 0; i < issuer.algorithms().size(); i++) {
			String alg = issuer.algorithms().get(i);
			String algKey = key + ".algorithms[" + i + "]";
			if (alg == null || "none".equals(alg.toLowerCase(Locale.ROOT))) {
				problems.add(algKey + ": 'none' (unsigned tokens) is never allowed");
			}
			else if (!SUPPORTED_ALGORITHMS.contains(alg)) {
				problems.add(algKey + ": unknown algorithm '" + alg + "', expected one of "
						+ new java.util.TreeSet<>(SUPPORTED_ALGORITHMS));
			}
			else if (hmac != alg.startsWith("HS") && issuer.keySourceCount() == 1) {
				problems.add(algKey + ": '" + alg + "' does not match the key source ("
						+ (hmac ? "hmac-secret needs HS256/HS384/HS512" : "a public key cannot verify HMAC algorithms")
						+ ")");
			}
		}
		if (hmac) {
			int length = issuer.hmacSecret().getBytes(StandardCharsets.UTF_8).length;
			int needed = MIN_HMAC_SECRET_BYTES;
			for (String alg : issuer.effectiveAlgorithms()) {
				if (alg != null && alg.matches("HS\\d{3}")) {
					needed = Math.max(needed, Integer.parseInt(alg.substring(2)) / 8);
				}
			}
			if (length < needed) {
				problems.add(key + ".hmac-secret: must be at least " + needed + " bytes for "
						+ issuer.effectiveAlgorithms() + ", is " + length);
			}
		}
		if (GatewayProperties.hasText(issuer.publicKeyFile()) && !Files.isReadable(Path.of(issuer.publicKeyFile()))) {
			problems.add(key + ".public-key-file: '" + issuer.publicKeyFile() + "' is not a readable file");
		}
		if (issuer.jwksUri() != null) {
			String scheme = issuer.jwksUri().getScheme();
			if (!"https".equalsIgnoreCase(scheme) && !"http".equalsIgnoreCase(scheme)) {
				problems.add(key + ".jwks-uri: must be an http(s) URL, was '" + issuer.jwksUri() + "'");
			}
		}
		positive(problems, key + ".jwks-cache-ttl", issuer.jwksCacheTtl(), false);
		positive(problems, key + ".jwks-refetch-cooldown", issuer.jwksRefetchCooldown(), true);
		if (issuer.audiences().isEmpty()) {
			problems.add(key + ".audiences: must list at least one accepted 'aud' value");
		}
		for (int i = 0; i < issuer.audiences().size(); i++) {
			if (!GatewayProperties.hasText(issuer.audiences().get(i))) {
				problems.add(key + ".audiences[" + i + "]: must not be blank");
			}
		}
	}

	private static void positive(List<String> problems, String key, Duration value, boolean zeroAllowed) {
		if (value == null) {
			problems.add(key + ": must be set");
		}
		else if (value.isNegative() || (!zeroAllowed && value.isZero())) {
			problems.add(key + ": must be " + (zeroAllowed ? "zero or positive" : "positive") + ", was " + value);
		}
	}

}
