package dev.gatehouse.auth;

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
import org.hibernate.validator.constraints.time.DurationMin;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Settings of the auth-service, bound from {@code gatehouse.auth.*} and validated at
 * start-up.
 *
 * @param issuer the {@code iss} of every access token and the base of the metadata
 * document's endpoints
 * @param audience the {@code aud} of every access token
 * @param accessTokenTtl lifetime of an access token
 * @param refreshTokenTtl lifetime of a refresh token (each rotation starts a new one)
 * @param refreshReuseGrace how long a spent refresh token may be presented again
 * (concurrent tabs) before it counts as reuse
 * @param dataDir where the default file database and the demo signing key live
 * @param cookiePath {@code Path} of the {@code refresh_token} cookie in browser mode
 * @param cookieSecure whether the refresh cookie carries {@code Secure} (only the demo
 * turns it off)
 * @param allowedOrigins browser origins allowed to spend the refresh cookie; when empty,
 * the service's own origin only
 * @param signing the signing keys
 * @param loginThrottle failed-login throttling per username and client address
 * @param clientAuthThrottle failed client authentication (HTTP Basic) throttling per
 * client and client address
 * @param passwordHashing how many password hashes (BCrypt) run at once
 * @param trustedProxies addresses or CIDR ranges whose {@code X-Forwarded-*} headers are
 * believed (the gateway)
 * @param clients the registered OAuth clients
 * @param bootstrap the first administrator, created once when no user exists
 * @param gatewayClockSkew the largest {@code clock-skew} of any gateway: gateways accept
 * a token that long past its {@code exp}, so revocations are kept that long (plus a
 * margin) past the expiry of the tokens they concern
 * @param housekeepingInterval how often expired refresh tokens, empty sessions, old
 * denylist entries and published outbox rows are deleted
 * @param revocationRetryInterval how often revocations a Redis outage held back in the
 * outbox are published again
 */
@Validated
@ConfigurationProperties("gatehouse.auth")
public record AuthProperties(@DefaultValue("http://localhost:9000") @NotBlank String issuer,
		@DefaultValue("gatehouse") @NotBlank String audience,
		@DefaultValue("15m") @NotNull @DurationMin(seconds = 1) Duration accessTokenTtl,
		@DefaultValue("7d") @NotNull @DurationMin(seconds = 1) Duration refreshTokenTtl,
		@DefaultValue("2s") @NotNull Duration refreshReuseGrace, @DefaultValue("data") @NotNull Path dataDir,
		@DefaultValue("/") @NotBlank @Pattern(regexp = "/[\\x21-\\x7e&&[^;,]]*",
				message = "must be a cookie path starting with /") String cookiePath,
		@DefaultValue("true") boolean cookieSecure, @DefaultValue List<@NotBlank String> allowedOrigins,
		@DefaultValue @Valid Signing signing, @DefaultValue @Valid Throttle loginThrottle,
		@DefaultValue @Valid Throttle clientAuthThrottle, @DefaultValue @Valid PasswordHashing passwordHashing,
		@DefaultValue List<@NotBlank String> trustedProxies, @DefaultValue @Valid List<Client> clients,
		@DefaultValue @Valid Bootstrap bootstrap,
		@DefaultValue("60s") @NotNull @DurationMin(seconds = 0) Duration gatewayClockSkew,
		@DefaultValue("10m") @NotNull @DurationMin(seconds = 1) Duration housekeepingInterval,
		@DefaultValue("2s") @NotNull @DurationMin(millis = 10) Duration revocationRetryInterval) {

	/**
	 * Each client id once: requests name their client by it.
	 * @return whether no {@code client-id} repeats
	 */
	@AssertTrue(message = "clients: the same client-id is registered more than once")
	boolean isClientIdsUnique() {
		Set<String> seen = new HashSet<>();
		return this.clients.stream().map(Client::clientId).filter((id) -> id != null).allMatch(seen::add);
	}

	/**
	 * @param keyFile PEM file (PKCS#8) of the active private key; required outside the
	 * demo profile
	 * @param algorithm JWS algorithm of the active key
	 * @param verificationKeyFiles PEM files (public or private keys) still published in
	 * the JWKS and accepted, not used to sign
	 */
	public record Signing(Path keyFile, @DefaultValue("RS256") @Pattern(
			regexp = "RS256|RS384|RS512|PS256|PS384|PS512|ES256|ES384|ES512|EdDSA",
			message = "must be one of RS256, RS384, RS512, PS256, PS384, PS512, ES256, ES384, ES512, EdDSA") String algorithm,
			@DefaultValue List<@NotNull Path> verificationKeyFiles) {
	}

	/**
	 * @param maxFailures failed attempts allowed per username (or client) and client
	 * address within the window
	 * @param window how long failures are remembered
	 */
	public record Throttle(@DefaultValue("5") @Min(1) int maxFailures,
			@DefaultValue("60s") @NotNull @DurationMin(seconds = 1) Duration window) {
	}

	/**
	 * @param maxConcurrent password hashes (user logins, client authentication, password
	 * changes) running at once; 0 means one per available processor
	 * @param maxWait how long a request waits for a free slot before it is answered 503
	 * with {@code Retry-After}
	 */
	public record PasswordHashing(@DefaultValue("0") @Min(0) int maxConcurrent,
			@DefaultValue("1s") @NotNull Duration maxWait) {
	}

	/**
	 * @param clientId the {@code client_id}
	 * @param clientSecret encoded secret ({@code {bcrypt}…}) for confidential clients;
	 * absent for public ones
	 * @param grantTypes grants this client may use
	 * @param scopes scopes this client may request; the default when it requests none
	 */
	public record Client(@NotBlank @Pattern(regexp = "[A-Za-z0-9._-]{1,100}") String clientId,
			@Pattern(regexp = "\\{[a-z0-9]+}.+",
					message = "must be an encoded secret such as {bcrypt}$2a$10$...") String clientSecret,
			@NotEmpty Set<@Pattern(regexp = "password|refresh_token|client_credentials") String> grantTypes,
			@DefaultValue Set<@Pattern(regexp = "[\\x21\\x23-\\x5b\\x5d-\\x7e]+") String> scopes) {

		public boolean isPublic() {
			return this.clientSecret == null;
		}

		@AssertTrue(message = "grant-types: a public client (no client-secret) cannot use client_credentials")
		boolean isGrantTypesFitTheClient() {
			return !isPublic() || this.grantTypes == null || !this.grantTypes.contains("client_credentials");
		}

		@Override
		public String toString() {
			// the encoded secret stays out of logs and failure reports
			return "Client[clientId=" + this.clientId + ", confidential=" + !isPublic() + ", grantTypes="
					+ this.grantTypes + ", scopes=" + this.scopes + "]";
		}
	}

	/**
	 * Bound from {@code GATEHOUSE_AUTH_BOOTSTRAP_ADMIN_USERNAME} / {@code …_PASSWORD}.
	 *
	 * @param admin the administrator created once when no user exists
	 */
	public record Bootstrap(@DefaultValue @Valid Admin admin) {
	}

	/**
	 * @param username the first administrator's username; unset: nobody is created
	 * @param password its password (hashed before it is stored; never printed)
	 */
	public record Admin(String username, String password) {

		@Override
		public String toString() {
			return "Admin[username=" + this.username + ", password=" + ((this.password != null) ? "******" : null)
					+ "]";
		}
	}

}
