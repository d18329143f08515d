package dev.gatehouse.gateway.security;

import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Objects;

/**
 * The facts Gatehouse took from a verified access token. Never holds the token itself.
 * Built once per verified token (and cached with it), so the values forwarded to the
 * backend on every request ({@link #rolesHeader()}, {@link #scopesHeader()}) are joined
 * here, once. Equality is that of the named claims, as for a record (the whole claim set
 * is compared too).
 */
public final class VerifiedToken {

	private static final ClaimPath CNF = ClaimPath.of("cnf");

	private static final ClaimPath CNF_JKT = ClaimPath.of("cnf.jkt");

	private final String issuer;

	private final String subject;

	private final List<String> roles;

	private final List<String> scopes;

	private final String clientId;

	private final String tokenId;

	private final String sessionId;

	private final Instant expiresAt;

	private final Instant issuedAt;

	private final TokenClaims claims;

	private final String rolesHeader;

	private final String scopesHeader;

	private final boolean senderConstrained;

	private final byte[] confirmationThumbprint;

	/**
	 * @param issuer {@code iss}
	 * @param subject {@code sub}
	 * @param roles {@code roles}, in token order
	 * @param scopes {@code scope}, split on spaces
	 * @param clientId {@code client_id} or {@code null}
	 * @param tokenId {@code jti} or {@code null}
	 * @param sessionId {@code sid} (login/refresh family) or {@code null}
	 * @param expiresAt {@code exp}
	 * @param issuedAt {@code iat} or {@code null}
	 * @param claims every verified claim, for route claim conditions
	 */
	public VerifiedToken(String issuer, String subject, List<String> roles, List<String> scopes, String clientId,
			String tokenId, String sessionId, Instant expiresAt, Instant issuedAt, TokenClaims claims) {
		this.issuer = issuer;
		this.subject = subject;
		this.roles = List.copyOf(roles);
		this.scopes = List.copyOf(scopes);
		this.clientId = clientId;
		this.tokenId = tokenId;
		this.sessionId = sessionId;
		this.expiresAt = expiresAt;
		this.issuedAt = issuedAt;
		this.claims = (claims != null) ? claims : TokenClaims.NONE;
		this.rolesHeader = String.join(",", this.roles);
		this.scopesHeader = String.join(" ", this.scopes);
		this.senderConstrained = this.claims.has(CNF);
		this.confirmationThumbprint = decodeThumbprint(this.claims.value(CNF_JKT));
	}

	/** An RFC 7638 SHA-256 thumbprint in base64url: 32 bytes, or {@code null}. */
	private static byte[] decodeThumbprint(String jkt) {
		if (jkt == null || jkt.length() != 43) {
			return null;
		}
		try {
			return Base64.getUrlDecoder().decode(jkt);
		}
		catch (IllegalArgumentException ex) {
			return null;
		}
	}

	/** A token whose other claims are not kept. */
	public VerifiedToken(String issuer, String subject, List<String> roles, List<String> scopes, String clientId,
			String tokenId, String sessionId, Instant expiresAt, Instant issuedAt) {
		this(issuer, subject, roles, scopes, clientId, tokenId, sessionId, expiresAt, issuedAt, TokenClaims.NONE);
	}

	/** A token without {@code iat}. */
	public VerifiedToken(String issuer, String subject, List<String> roles, List<String> scopes, String clientId,
			String tokenId, String sessionId, Instant expiresAt) {
		this(issuer, subject, roles, scopes, clientId, tokenId, sessionId, expiresAt, null);
	}

	public String issuer() {
		return this.issuer;
	}

	public String subject() {
		return this.subject;
	}

	public List<String> roles() {
		return this.roles;
	}

	public List<String> scopes() {
		return this.scopes;
	}

	public String clientId() {
		return this.clientId;
	}

	public String tokenId() {
		return this.tokenId;
	}

	public String sessionId() {
		return this.sessionId;
	}

	public Instant expiresAt() {
		return this.expiresAt;
	}

	public Instant issuedAt() {
		return this.issuedAt;
	}

	/**
	 * @return every verified claim (read-only), for route claim conditions, claim-keyed
	 * limits and claim headers
	 */
	public TokenClaims claims() {
		return this.claims;
	}

	/**
	 * @return the roles as forwarded in {@code X-Auth-Roles}: comma-separated
	 */
	public String rolesHeader() {
		return this.rolesHeader;
	}

	/**
	 * @return the scopes as forwarded in {@code X-Auth-Scopes}: space-separated
	 */
	public String scopesHeader() {
		return this.scopesHeader;
	}

	/**
	 * @return whether the token is bound to a key ({@code cnf}, RFC 7800): it may not be
	 * used as a plain bearer token
	 */
	public boolean senderConstrained() {
		return this.senderConstrained;
	}

	/**
	 * Whether the token is bound ({@code cnf.jkt}, RFC 9449) to the key with this
	 * thumbprint, decoded once with the token (a constant-time comparison of 32 bytes).
	 * @param thumbprint the RFC 7638 SHA-256 thumbprint of a DPoP proof's key
	 * @return {@code false} for a token without a well-formed {@code cnf.jkt}
	 */
	public boolean boundTo(byte[] thumbprint) {
		return this.confirmationThumbprint != null
				&& java.security.MessageDigest.isEqual(this.confirmationThumbprint, thumbprint);
	}

	@Override
	public boolean equals(Object other) {
		return other instanceof VerifiedToken that && Objects.equals(this.issuer, that.issuer)
				&& Objects.equals(this.subject, that.subject) && this.roles.equals(that.roles)
				&& this.scopes.equals(that.scopes) && Objects.equals(this.clientId, that.clientId)
				&& Objects.equals(this.tokenId, that.tokenId) && Objects.equals(this.sessionId, that.sessionId)
				&& Objects.equals(this.expiresAt, that.expiresAt) && Objects.equals(this.issuedAt, that.issuedAt)
				&& this.claims.equals(that.claims);
	}

	@Override
	public int hashCode() {
		return Objects.hash(this.issuer, this.subject, this.roles, this.scopes, this.clientId, this.tokenId,
				this.sessionId, this.expiresAt, this.issuedAt);
	}

	@Override
	public String toString() {
		return "VerifiedToken[issuer=" + this.issuer + ", subject=" + this.subject + ", roles=" + this.roles
				+ ", scopes=" + this.scopes + ", clientId=" + this.clientId + ", tokenId=" + this.tokenId
				+ ", sessionId=" + this.sessionId + ", expiresAt=" + this.expiresAt + ", issuedAt=" + this.issuedAt
				+ "]";
	}

}
