package dev.gatehouse.auth.dpop;

import java.net.URI;
import java.time.Duration;
import java.util.List;

import jakarta.validation.Valid;
import jakarta.validation.constraints.AssertTrue;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import org.hibernate.validator.constraints.time.DurationMin;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * DPoP (RFC 9449) at the token endpoint, bound from {@code gatehouse.auth.dpop.*}.
 *
 * @param enabled whether {@code /token} honours a {@code DPoP} proof; when off the header
 * is ignored and every token is a bearer token
 * @param signingAlgorithms the proof algorithms accepted (asymmetric only), as listed in
 * the metadata's {@code dpop_signing_alg_values_supported}
 * @param maxAge how old a proof's {@code iat} may be
 * @param clockSkew how far in the future a proof's {@code iat} may be
 * @param publicTokenUrl the URL(s) clients send their proofs for ({@code htu}), e.g.
 * {@code https://api.example.com/auth/token} behind the gateway; when empty, the URL the
 * request arrived at
 * @param replayCache the in-memory cache of proof ids already used
 * @param nonce server-provided nonces ({@code DPoP-Nonce})
 */
@Validated
@ConfigurationProperties("gatehouse.auth.dpop")
public record DpopProperties(@DefaultValue("true") boolean enabled, @DefaultValue( {
		"RS256", "PS256", "ES256",
		"EdDSA" }) @NotEmpty List<@NotNull @Pattern(regexp = "RS256|PS256|ES256|EdDSA",
				message = "must be one of RS256, PS256, ES256, EdDSA") String> signingAlgorithms,
		@DefaultValue("60s") @NotNull @DurationMin(seconds = 1) Duration maxAge,
		@DefaultValue("5s") @NotNull @DurationMin(seconds = 0) Duration clockSkew,
		@DefaultValue List<@NotNull URI> publicTokenUrl, @DefaultValue @Valid ReplayCache replayCache,
		@DefaultValue @Valid Nonce nonce){

	/**
	 * Absolute http(s) URLs without query or fragment: what a proof's {@code htu} is
	 * compared with.
	 * @return whether every public token URL is usable
	 */
	@AssertTrue(message = "public-token-url: each must be an absolute http or https URL without query or fragment")
	boolean isPublicTokenUrlUsable() {
		return this.publicTokenUrl == null || this.publicTokenUrl.stream().allMatch(HtuNormalizer::isUsable);
	}

	/**
	 * @param maxEntries proof ids remembered at most (each for max-age plus clock-skew);
	 * with Redis configured they are shared there too
	 */
	public record ReplayCache(@DefaultValue("100000") @Min(1000) int maxEntries) {
	}

	/**
	 * @param enabled whether every proof must carry a nonce this service issued
	 * ({@code use_dpop_nonce} otherwise)
	 * @param secret the HMAC secret nonces are made with (at least 32 characters); set
	 * the same one on every instance; when unset a random one per process
	 * @param lifetime how long one nonce is current; the previous one is still accepted
	 */
	public record Nonce(@DefaultValue("false") boolean enabled,
			@Size(min = 32, message = "must be at least 32 characters") String secret,
			@DefaultValue("5m") @NotNull @DurationMin(seconds = 1) Duration lifetime) {

		@Override
		public String toString() {
			return "Nonce[enabled=" + this.enabled + ", secret=" + ((this.secret != null) ? "******" : null)
					+ ", lifetime=" + this.lifetime + "]";
		}
	}

}
