package dev.gatehouse.auth.dpop;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.Key;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;

import io.jsonwebtoken.Claims;
import io.jsonwebtoken.Jws;
import io.jsonwebtoken.JwtException;
import io.jsonwebtoken.JwtParser;
import io.jsonwebtoken.Jwts;
import io.jsonwebtoken.LocatorAdapter;
import io.jsonwebtoken.ProtectedHeader;
import io.jsonwebtoken.security.PublicJwk;
import io.jsonwebtoken.security.SignatureException;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Checks a {@code DPoP} proof for one request as RFC 9449 §4.3 lists: a compact JWS whose
 * header has {@code typ: dpop+jwt}, an allowed asymmetric {@code alg} and a public
 * {@code jwk} (nothing private) that verifies the signature; whose claims carry a
 * {@code jti} not used before, {@code htm} = the request's method, {@code htu} = the
 * token endpoint's URL, an {@code iat} within {@code max-age} in the past and
 * {@code clock-skew} in the future, and, with nonces on, a current {@code nonce}. Nothing
 * of the proof is trusted before its signature verified, except the key it is verified
 * with, which is what DPoP binds to.
 */
public final class DpopProofValidator {

	/** The request header that carries the proof. */
	public static final String HEADER = "DPoP";

	/** The response header that carries a nonce. */
	public static final String NONCE_HEADER = "DPoP-Nonce";

	static final String TYPE = "dpop+jwt";

	private static final int MAX_PROOF_LENGTH = 8192;

	private static final int MAX_JTI_LENGTH = 256;

	private static final Pattern COMPACT_JWS = Pattern.compile("[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+");

	/** RFC 7517/7518 members of private or symmetric keys. */
	private static final Set<String> PRIVATE_MEMBERS = Set.of("d", "p", "q", "dp", "dq", "qi", "oth", "k");

	/** Header parameters that would change how the proof is read; never in a proof. */
	private static final Set<String> FORBIDDEN_HEADERS = Set.of("crit", "zip", "b64", "jku", "x5u");

	private static final JsonMapper json = JsonMapper.builder().build();

	private final DpopProperties properties;

	private final List<String> publicTokenUrls;

	private final DpopNonces nonces;

	private final ProofReplayCache replays;

	private final Clock clock;

	private final JwtParser parser;

	public DpopProofValidator(DpopProperties properties, DpopNonces nonces, ProofReplayCache replays, Clock clock) {
		this.properties = properties;
		this.publicTokenUrls = properties.publicTokenUrl().stream().map(HtuNormalizer::normalize).toList();
		this.nonces = nonces;
		this.replays = replays;
		this.clock = clock;
		var builder = Jwts.parser().keyLocator(new LocatorAdapter<Key>() {
			@Override
			protected Key locate(ProtectedHeader header) {
				PublicJwk<?> jwk = header.getJwk();
				if (jwk == null) {
					throw DpopException.invalidProof("The DPoP proof has no jwk header");
				}
				return jwk.toKey();
			}
		}).clock(() -> Date.from(clock.instant())).sig().clear();
		for (String algorithm : properties.signingAlgorithms()) {
			builder.add(Jwts.SIG.get().forKey(algorithm));
		}
		this.parser = builder.and().build();
	}

	/**
	 * Checks a proof sent to the token endpoint.
	 * @param proof the {@code DPoP} header's value
	 * @param method the request's method
	 * @param requestUrl the URL the request arrived at, used when no public token URL is
	 * configured
	 * @return the verified proof
	 * @throws DpopException when the proof is refused
	 */
	public DpopProof validate(String proof, String method, URI requestUrl) {
		return validate(proof, method, this.publicTokenUrls.isEmpty() ? arrivedAt(requestUrl) : this.publicTokenUrls,
				null);
	}

	/**
	 * Checks a proof sent with a DPoP-bound access token to this service's own API (RFC
	 * 9449 §7): as at the token endpoint, plus {@code ath}, the hash of the access token.
	 * @param proof the {@code DPoP} header's value
	 * @param method the request's method
	 * @param requestUrl the URL of the request as the client sent it (a trusted proxy's
	 * forwarded headers applied)
	 * @param accessToken the access token the proof must name
	 * @return the verified proof
	 * @throws DpopException when the proof is refused
	 */
	public DpopProof validateForResource(String proof, String method, URI requestUrl, String accessToken) {
		return validate(proof, method, arrivedAt(requestUrl), Objects.requireNonNull(accessToken));
	}

	private static List<String> arrivedAt(URI requestUrl) {
		String url = (requestUrl != null) ? HtuNormalizer.normalize(requestUrl) : null;
		return (url != null) ? List.of(url) : List.of();
	}

	private DpopProof validate(String proof, String method, List<String> acceptedUrls, String accessToken) {
		if (proof == null || proof.length() > MAX_PROOF_LENGTH || !COMPACT_JWS.matcher(proof).matches()) {
			throw DpopException.invalidProof("The DPoP proof is not a compact JWS");
		}
		JsonNode header = header(proof);
		String algorithm = checkHeader(header);
		Jws<Claims> jws;
		try {
			jws = this.parser.parseSignedClaims(proof);
		}
		catch (SignatureException ex) {
			throw DpopException.invalidProof("The DPoP proof's signature does not verify");
		}
		catch (JwtException | IllegalArgumentException ex) {
			throw DpopException.invalidProof("The DPoP proof is malformed or cannot be verified with its jwk");
		}
		Claims claims = jws.getPayload();
		String jti = string(claims, Claims.ID);
		if (jti.length() > MAX_JTI_LENGTH) {
			throw DpopException.invalidProof("The DPoP proof's jti is too long");
		}
		if (!string(claims, "htm").equals(method)) {
			throw DpopException.invalidProof("The DPoP proof is for another HTTP method");
		}
		String htu = HtuNormalizer.normalize(string(claims, "htu"));
		if (htu == null || !acceptedUrls.contains(htu)) {
			throw DpopException.invalidProof("The DPoP proof is for another URL");
		}
		if (accessToken != null && !MessageDigest.isEqual(string(claims, "ath").getBytes(StandardCharsets.US_ASCII),
				accessTokenHash(accessToken).getBytes(StandardCharsets.US_ASCII))) {
			throw DpopException.invalidProof("The DPoP proof's ath is not the hash of the access token");
		}
		Instant issuedAt = issuedAt(claims);
		if (this.properties.nonce().enabled()) {
			Object nonce = claims.get("nonce");
			if (!(nonce instanceof String value) || !this.nonces.isValid(value)) {
				throw DpopException.useNonce(
						(nonce == null) ? "The DPoP proof needs a nonce" : "The DPoP proof's nonce is not current",
						this.nonces.current());
			}
		}
		String jkt = Objects.requireNonNull(jws.getHeader().getJwk()).thumbprint().toString();
		if (!this.replays.firstUse(jkt, jti)) {
			throw DpopException.invalidProof("The DPoP proof was used before");
		}
		return new DpopProof(jkt, jti, algorithm, issuedAt);
	}

	private static JsonNode header(String proof) {
		try {
			byte[] bytes = Base64.getUrlDecoder().decode(proof.substring(0, proof.indexOf('.')));
			JsonNode header = json.readTree(new String(bytes, StandardCharsets.UTF_8));
			if (header == null || !header.isObject()) {
				throw DpopException.invalidProof("The DPoP proof's header is not a JSON object");
			}
			return header;
		}
		catch (IllegalArgumentException | JacksonException ex) {
			throw DpopException.invalidProof("The DPoP proof's header is not a JSON object");
		}
	}

	/**
	 * The header checks that need no key: the type, the algorithm, a public key.
	 * @return the algorithm
	 */
	private String checkHeader(JsonNode header) {
		JsonNode type = header.get("typ");
		if (type == null || !type.isString() || !TYPE.equals(type.asString().toLowerCase(Locale.ROOT))) {
			throw DpopException.invalidProof("The DPoP proof's typ is not dpop+jwt");
		}
		JsonNode algorithm = header.get("alg");
		if (algorithm == null || !algorithm.isString()
				|| !this.properties.signingAlgorithms().contains(algorithm.asString())) {
			throw DpopException.invalidProof(
					"The DPoP proof's alg is not one of " + String.join(" ", this.properties.signingAlgorithms()));
		}
		for (String name : FORBIDDEN_HEADERS) {
			if (header.has(name)) {
				throw DpopException.invalidProof("The DPoP proof's header may not carry " + name);
			}
		}
		JsonNode jwk = header.get("jwk");
		if (jwk == null || !jwk.isObject()) {
			throw DpopException.invalidProof("The DPoP proof has no jwk header");
		}
		for (String name : PRIVATE_MEMBERS) {
			if (jwk.has(name)) {
				throw DpopException.invalidProof("The DPoP proof's jwk is not a public key");
			}
		}
		return algorithm.asString();
	}

	private Instant issuedAt(Claims claims) {
		Date iat;
		try {
			iat = claims.getIssuedAt();
		}
		catch (JwtException | IllegalArgumentException ex) {
			iat = null;
		}
		if (iat == null) {
			throw DpopException.invalidProof("The DPoP proof has no iat");
		}
		Instant issuedAt = iat.toInstant();
		Instant now = this.clock.instant();
		if (issuedAt.isBefore(now.minus(this.properties.maxAge()))) {
			throw DpopException.invalidProof("The DPoP proof is too old");
		}
		if (issuedAt.isAfter(now.plus(this.properties.clockSkew()))) {
			throw DpopException.invalidProof("The DPoP proof is issued in the future");
		}
		return issuedAt;
	}

	/** RFC 9449 §4.2: base64url(SHA-256(ASCII(access token))). */
	static String accessTokenHash(String accessToken) {
		try {
			return Base64.getUrlEncoder()
				.withoutPadding()
				.encodeToString(
						MessageDigest.getInstance("SHA-256").digest(accessToken.getBytes(StandardCharsets.US_ASCII)));
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException(ex);
		}
	}

	/**
	 * @return the algorithms proofs may use, space-separated, as a challenge's
	 * {@code algs} lists them
	 */
	public String algorithms() {
		return String.join(" ", this.properties.signingAlgorithms());
	}

	private static String string(Claims claims, String name) {
		Object value = claims.get(name);
		if (!(value instanceof String string) || string.isEmpty()) {
			throw DpopException.invalidProof("The DPoP proof has no " + name);
		}
		return string;
	}

}
