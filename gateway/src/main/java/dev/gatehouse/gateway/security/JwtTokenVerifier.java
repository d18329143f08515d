package dev.gatehouse.gateway.security;

import java.math.BigDecimal;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

import reactor.core.publisher.Mono;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;

import dev.gatehouse.gateway.security.TokenRejectedException.Reason;

/**
 * Full verification of one token, decoded once ({@link UnverifiedJwt}), in this order:
 * <ol>
 * <li>structure: three non-empty base64url segments of JSON objects;</li>
 * <li>header: {@code alg} present and never {@code none}; no {@code jwk}, {@code jku},
 * {@code x5u}, {@code x5c}, {@code crit}, {@code b64}, {@code zip}, {@code enc};</li>
 * <li>issuer chosen by the unverified {@code iss}, only to pick the key source and rules;
 * {@code alg} on that issuer's allow-list; {@code typ} if the issuer requires one;</li>
 * <li>time claims are JSON numbers; {@code exp} required, not past (beyond the skew), not
 * further away than the maximum lifetime (so absurd values never reach date arithmetic);
 * {@code nbf} and {@code iat} not in the future; {@code exp - iat} within the
 * lifetime;</li>
 * <li>key made available (JWKS refresh for an unknown {@code kid}), then the signature
 * verified with that key by jjwt's signature algorithm;</li>
 * <li>{@code aud}, {@code sub}, {@code roles}, {@code scope} checked on the now verified
 * claims.</li>
 * </ol>
 */
final class JwtTokenVerifier implements TokenVerifier {

	/** Header parameters that would let the token choose its own key or semantics. */
	static final Set<String> FORBIDDEN_HEADERS = Set.of("jwk", "jku", "x5u", "x5c", "crit", "b64", "zip", "enc");

	/** Roles and scopes end up in headers: no separators, no control characters. */
	static final Pattern ROLE = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._:-]{0,127}");

	/** RFC 6749 {@code scope-token}. */
	static final Pattern SCOPE = Pattern.compile("[\\x21\\x23-\\x5B\\x5D-\\x7E]{1,128}");

	/** Subjects and client ids are forwarded as header values: no control characters. */
	private static final Pattern SUBJECT = Pattern.compile("[^\\p{Cntrl}]{1,256}");

	private final Map<String, IssuerVerifier> issuers;

	private final Clock clock;

	private final long skewSeconds;

	private final long maxLifetimeSeconds;

	JwtTokenVerifier(Map<String, IssuerVerifier> issuers, Clock clock, Duration clockSkew, Duration maxLifetime) {
		this.issuers = Map.copyOf(issuers);
		this.clock = clock;
		this.skewSeconds = clockSkew.toSeconds();
		this.maxLifetimeSeconds = maxLifetime.toSeconds();
	}

	@Override
	public Mono<VerifiedToken> verify(String token) {
		return Mono.defer(() -> {
			UnverifiedJwt jwt = UnverifiedJwt.parse(token);
			IssuerVerifier issuer = checkHeaderAndIssuer(jwt);
			checkTimes(jwt.claims());
			String kid = jwt.headerString("kid");
			String alg = jwt.headerString("alg");
			return issuer.keys().prepare(kid, alg).then(Mono.fromCallable(() -> {
				issuer.verifySignature(jwt, kid, alg);
				return toVerifiedToken(issuer, jwt.claims());
			}));
		});
	}

	private IssuerVerifier checkHeaderAndIssuer(UnverifiedJwt jwt) {
		String alg = jwt.headerString("alg");
		if (alg == null) {
			throw new TokenRejectedException(Reason.MALFORMED, "alg missing");
		}
		if ("none".equals(alg.toLowerCase(Locale.ROOT))) {
			throw new TokenRejectedException(Reason.ALGORITHM_NOT_ALLOWED);
		}
		for (String name : jwt.header().propertyNames()) {
			if (FORBIDDEN_HEADERS.contains(name)) {
				throw new TokenRejectedException(Reason.HEADER_NOT_ALLOWED, name);
			}
		}
		String kid = jwt.headerString("kid");
		if (kid != null && (kid.isEmpty() || kid.length() > 256)) {
			throw new TokenRejectedException(Reason.UNKNOWN_KEY);
		}
		String iss = jwt.claimString("iss");
		IssuerVerifier issuer = (iss != null) ? this.issuers.get(iss) : null;
		if (issuer == null) {
			throw new TokenRejectedException(Reason.UNKNOWN_ISSUER);
		}
		issuer.checkAlgorithm(alg);
		issuer.checkType(jwt.headerString("typ"));
		return issuer;
	}

	private void checkTimes(JsonNode claims) {
		long now = this.clock.instant().getEpochSecond();
		Long exp = numericDate(claims, "exp");
		if (exp == null) {
			throw new TokenRejectedException(Reason.INVALID_CLAIM, "exp missing");
		}
		Long nbf = numericDate(claims, "nbf");
		Long iat = numericDate(claims, "iat");
		if (exp + this.skewSeconds <= now) {
			throw new TokenRejectedException(Reason.EXPIRED);
		}
		if (exp - now > this.maxLifetimeSeconds + this.skewSeconds) {
			throw new TokenRejectedException(Reason.LIFETIME_TOO_LONG);
		}
		if (nbf != null && nbf - this.skewSeconds > now) {
			throw new TokenRejectedException(Reason.NOT_YET_VALID);
		}
		if (iat != null && iat - this.skewSeconds > now) {
			throw new TokenRejectedException(Reason.ISSUED_IN_FUTURE);
		}
		if (iat != null && exp - iat > this.maxLifetimeSeconds) {
			throw new TokenRejectedException(Reason.LIFETIME_TOO_LONG);
		}
	}

	/**
	 * A NumericDate claim as whole seconds, or {@code null} if absent. Must be a JSON
	 * number; values beyond year 9999 are clamped so later arithmetic cannot overflow
	 * (they are refused by the lifetime check anyway).
	 */
	private static Long numericDate(JsonNode claims, String name) {
		JsonNode value = claims.get(name);
		if (value == null) {
			return null;
		}
		if (!value.isNumber()) {
			throw new TokenRejectedException(Reason.INVALID_CLAIM, name + " must be a number");
		}
		BigDecimal seconds;
		try {
			seconds = value.decimalValue();
		}
		catch (JacksonException ex) {
			throw new TokenRejectedException(Reason.INVALID_CLAIM, name + " must be a finite number");
		}
		BigDecimal max = BigDecimal.valueOf(253402300799L);
		if (seconds.compareTo(max) > 0) {
			return max.longValue();
		}
		if (seconds.signum() < 0) {
			throw new TokenRejectedException(Reason.INVALID_CLAIM, name + " must not be negative");
		}
		return seconds.longValue();
	}

	private VerifiedToken toVerifiedToken(IssuerVerifier issuer, JsonNode claims) {
		checkAudience(issuer, claims.get("aud"));
		String subject = text(claims, "sub", true);
		if (!SUBJECT.matcher(subject).matches()) {
			throw new TokenRejectedException(Reason.INVALID_CLAIM, "sub");
		}
		List<String> roles = new ArrayList<>();
		JsonNode rolesNode = claims.get("roles");
		if (rolesNode != null && !rolesNode.isNull()) {
			if (!rolesNode.isArray()) {
				throw new TokenRejectedException(Reason.INVALID_CLAIM, "roles must be an array");
			}
			for (JsonNode role : rolesNode.values()) {
				if (!role.isString() || !ROLE.matcher(role.stringValue()).matches()) {
					throw new TokenRejectedException(Reason.INVALID_CLAIM, "roles");
				}
				roles.add(role.stringValue());
			}
		}
		List<String> scopes = new ArrayList<>();
		String scope = text(claims, "scope", false);
		if (scope != null && !scope.isBlank()) {
			for (String item : Arrays.asList(scope.trim().split(" +"))) {
				if (!SCOPE.matcher(item).matches()) {
					throw new TokenRejectedException(Reason.INVALID_CLAIM, "scope");
				}
				scopes.add(item);
			}
		}
		String clientId = text(claims, "client_id", false);
		if (clientId != null && !SUBJECT.matcher(clientId).matches()) {
			throw new TokenRejectedException(Reason.INVALID_CLAIM, "client_id");
		}
		long exp = numericDate(claims, "exp");
		Instant issuedAt = claims.has("iat") ? Instant.ofEpochSecond(numericDate(claims, "iat")) : null;
		return new VerifiedToken(issuer.issuer(), subject, roles, scopes, clientId, text(claims, "jti", false),
				text(claims, "sid", false), Instant.ofEpochSecond(exp), issuedAt, TokenClaims.of(claims));
	}

	private static void checkAudience(IssuerVerifier issuer, JsonNode aud) {
		if (aud != null && aud.isString() && issuer.audiences().contains(aud.stringValue())) {
			return;
		}
		if (aud != null && aud.isArray()) {
			for (JsonNode item : aud.values()) {
				if (item.isString() && issuer.audiences().contains(item.stringValue())) {
					return;
				}
			}
		}
		throw new TokenRejectedException(Reason.INVALID_AUDIENCE);
	}

	private static String text(JsonNode claims, String name, boolean required) {
		JsonNode value = claims.get(name);
		if (value == null || value.isNull()) {
			if (required) {
				throw new TokenRejectedException(Reason.INVALID_CLAIM, name + " missing");
			}
			return null;
		}
		if (!value.isString() || (required && value.stringValue().isBlank())) {
			throw new TokenRejectedException(Reason.INVALID_CLAIM, name + " must be a string");
		}
		return value.stringValue();
	}

}
