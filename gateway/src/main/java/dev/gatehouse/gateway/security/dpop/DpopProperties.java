package dev.gatehouse.gateway.security.dpop;

import java.net.URI;
import java.time.Duration;
import java.util.List;

import jakarta.validation.Valid;
import jakarta.validation.constraints.AssertTrue;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Positive;
import org.hibernate.validator.constraints.time.DurationMin;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * DPoP (RFC 9449) settings of the gateway, {@code gatehouse.gateway.dpop.*}.
 *
 * @param enabled whether {@code Authorization: DPoP} requests are accepted; when off, a
 * DPoP-bound token is refused in any case (it cannot be used as a bearer token)
 * @param signingAlgorithms the proof algorithms accepted, listed in this order in the
 * {@code algs} of every DPoP challenge (asymmetric only: never {@code none} nor HMAC);
 * the default lists them cheapest to verify first (docs/dpop.md, cost)
 * @param maxAge how far into the past a proof's {@code iat} may lie; also how long its
 * {@code jti} is remembered
 * @param clockSkew how far into the future a proof's {@code iat} may lie
 * @param publicBaseUrl the scheme, host and port clients use (behind load balancers or
 * TLS terminators); a proof's {@code htu} must be this plus the request's raw path.
 * Unset: the URL of the request as the gateway received it
 * @param replayCache the in-memory replay cache
 * @param nonce server-provided nonces ({@code DPoP-Nonce})
 */
@ConfigurationProperties(DpopProperties.PREFIX)
@Validated
public record DpopProperties(
		@DefaultValue("true") boolean enabled, @NotEmpty(message = "must list at least one algorithm") @DefaultValue( {
				"RS256", "PS256", "EdDSA",
				"ES256" }) List<@NotNull @Pattern(regexp = DpopAlgorithm.NAMES,
						message = "'${validatedValue}' is not a DPoP proof algorithm the gateway verifies; expected one of "
								+ DpopAlgorithm.NAMES) String> signingAlgorithms,
		@NotNull @DurationMin(seconds = 1, message = "must be at least 1s") @DefaultValue("60s") Duration maxAge,
		@NotNull @DurationMin(seconds = 0, message = "must be zero or positive") @DefaultValue("5s") Duration clockSkew,
		URI publicBaseUrl, @Valid @DefaultValue ReplayCache replayCache, @Valid @DefaultValue Nonce nonce){

	/** Prefix of the DPoP properties. */
	public static final String PREFIX = "gatehouse.gateway.dpop";

	/**
	 * @return whether {@code public-base-url} is an absolute http(s) URL without path,
	 * query or fragment
	 */
	@AssertTrue(message = "public-base-url: must be an http(s) URL with host and optional port only, "
			+ "e.g. https://api.example.com")
	boolean isPublicBaseUrlValid() {
		if (this.publicBaseUrl == null) {
			return true;
		}
		String scheme = this.publicBaseUrl.getScheme();
		String path = this.publicBaseUrl.getRawPath();
		return ("http".equalsIgnoreCase(scheme) || "https".equalsIgnoreCase(scheme))
				&& this.publicBaseUrl.getHost() != null && (path == null || path.isEmpty() || "/".equals(path))
				&& this.publicBaseUrl.getRawQuery() == null && this.publicBaseUrl.getRawFragment() == null
				&& this.publicBaseUrl.getRawUserInfo() == null;
	}

	/**
	 * The in-memory replay cache, in front of Redis when Redis is configured.
	 *
	 * @param maxEntries most proof identifiers remembered; beyond it the oldest are
	 * forgotten (without Redis a forgotten proof could be replayed within its window:
	 * size it above the peak DPoP requests per second times {@code max-age +
	 * clock-skew})
	 */
	public record ReplayCache(@Positive(message = "must be positive") @DefaultValue("100000") long maxEntries) {

	}

	/**
	 * Server nonces (RFC 9449 section 8): stateless, so every instance sharing the secret
	 * accepts the others' nonces.
	 *
	 * @param enabled whether every proof must carry a current nonce
	 * @param secret the HMAC secret; unset: a random one per process (then set it when
	 * running several instances)
	 * @param lifetime how long a nonce is current (it is accepted for up to twice this)
	 */
	public record Nonce(@DefaultValue("false") boolean enabled, String secret,
			@NotNull @DurationMin(seconds = 1, message = "must be at least 1s") @DefaultValue("5m") Duration lifetime) {

		@Override
		public String toString() {
			return "Nonce[enabled=" + this.enabled + ", lifetime=" + this.lifetime + "]";
		}

	}

}
