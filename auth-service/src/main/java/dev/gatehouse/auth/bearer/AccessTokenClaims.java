package dev.gatehouse.auth.bearer;

/**
 * The names this service's access tokens use (RFC 9068 profile), shared by the issuer
 * that writes them and the verifier that reads them.
 */
public final class AccessTokenClaims {

	/** The JOSE {@code typ} header of an access token. */
	public static final String TYPE = "at+jwt";

	public static final String CLIENT_ID = "client_id";

	public static final String SCOPE = "scope";

	public static final String ROLES = "roles";

	/**
	 * The login (refresh-token family) the token belongs to; revoking the family revokes
	 * the token.
	 */
	public static final String SESSION = "sid";

	/**
	 * RFC 7800 confirmation: present when the token is bound to a DPoP key (RFC 9449
	 * §6.1).
	 */
	public static final String CONFIRMATION = "cnf";

	/** The member of {@value #CONFIRMATION} holding the key's RFC 7638 thumbprint. */
	public static final String JWK_THUMBPRINT = "jkt";

	private AccessTokenClaims() {
	}

}
