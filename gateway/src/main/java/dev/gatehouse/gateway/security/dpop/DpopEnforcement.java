package dev.gatehouse.gateway.security.dpop;

import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.List;

import reactor.core.publisher.Mono;

import org.springframework.http.HttpHeaders;
import org.springframework.http.server.reactive.ServerHttpRequest;

import dev.gatehouse.gateway.redis.RedisConnectionReadiness;
import dev.gatehouse.gateway.security.BearerTokenExtractor;
import dev.gatehouse.gateway.security.TokenRejectedException;
import dev.gatehouse.gateway.security.VerifiedToken;

/**
 * What the route policy asks of DPoP (RFC 9449): the {@code DPoP} authorization scheme
 * read next to {@code Bearer}; a bound token only with a valid proof for this very
 * request whose key is the one the token names ({@code cnf.jkt}) and whose {@code jti}
 * was never seen; no bound token as a bearer token; no bearer token on a
 * {@code sender-constrained} route. Only requests that use DPoP pay for it: a bearer
 * request costs two field reads.
 */
public final class DpopEnforcement {

	/** The {@code DPoP} request header that carries the proof. */
	public static final String PROOF_HEADER = "DPoP";

	private static final String SCHEME = "dpop";

	private static final int TOKEN_START = SCHEME.length() + 1;

	private final boolean enabled;

	private final DpopProofVerifier verifier;

	private final DpopReplayCache replays;

	private final DpopChallenge challenge;

	private final String publicBaseUrl;

	DpopEnforcement(boolean enabled, DpopProofVerifier verifier, DpopReplayCache replays, DpopChallenge challenge,
			URI publicBaseUrl) {
		this.enabled = enabled;
		this.verifier = verifier;
		this.replays = replays;
		this.challenge = challenge;
		this.publicBaseUrl = (publicBaseUrl != null)
				? HttpTargetUri.of(publicBaseUrl.getScheme(), publicBaseUrl.getRawAuthority(), "") : null;
	}

	/**
	 * @param properties the settings
	 * @param clock the clock
	 * @param redis the shared Redis connection, or {@code null} for an in-memory replay
	 * cache only
	 * @param redisTimeout bound of each Redis call
	 * @return the enforcement these settings describe
	 */
	public static DpopEnforcement of(DpopProperties properties, Clock clock, RedisConnectionReadiness redis,
			Duration redisTimeout) {
		DpopChallenge challenge = new DpopChallenge(properties.signingAlgorithms());
		DpopNonces nonces = properties.nonce().enabled()
				? new DpopNonces(properties.nonce().secret(), properties.nonce().lifetime(), clock) : null;
		DpopProofVerifier verifier = new DpopProofVerifier(properties.signingAlgorithms(), properties.maxAge(),
				properties.clockSkew(), clock, nonces, challenge);
		DpopReplayCache replays = new DpopReplayCache(properties.replayCache().maxEntries(),
				properties.maxAge().plus(properties.clockSkew()), clock, redis, redisTimeout);
		return new DpopEnforcement(properties.enabled(), verifier, replays, challenge, properties.publicBaseUrl());
	}

	/**
	 * Refuses every DPoP request and every bound token (for tests and for wiring without
	 * DPoP).
	 * @return enforcement with DPoP off
	 */
	public static DpopEnforcement disabled() {
		DpopChallenge challenge = new DpopChallenge(List.of("ES256"));
		return new DpopEnforcement(false, null, null, challenge, null);
	}

	/**
	 * The token of {@code Authorization: DPoP <token>}; called only when the request has
	 * no bearer token.
	 * @param request the request
	 * @return the token, or {@code null} when the request uses no DPoP scheme (or DPoP is
	 * off)
	 * @throws TokenRejectedException when the credentials are not a {@code token68}
	 */
	public String extractToken(ServerHttpRequest request) {
		if (!this.enabled) {
			return null;
		}
		String value = request.getHeaders().getFirst(HttpHeaders.AUTHORIZATION);
		if (value == null || value.length() <= TOKEN_START || !value.regionMatches(true, 0, SCHEME, 0, SCHEME.length())
				|| value.charAt(SCHEME.length()) != ' ') {
			return null;
		}
		if (!BearerTokenExtractor.isToken68(value, TOKEN_START)) {
			throw new TokenRejectedException(TokenRejectedException.Reason.MALFORMED, "DPoP credentials");
		}
		return value.substring(TOKEN_START);
	}

	/**
	 * The check of a token presented as {@code Bearer}: allocates nothing when it passes.
	 * @param token the verified token
	 * @param senderConstrainedRoute whether the route says
	 * {@code sender-constrained: true}
	 * @throws DpopRequiredException when the token is bound, or the route needs a bound
	 * token
	 */
	public void checkBearer(VerifiedToken token, boolean senderConstrainedRoute) {
		DpopRequiredException refusal = refusal(token, false, senderConstrainedRoute);
		if (refusal != null) {
			throw refusal;
		}
	}

	/**
	 * Whether the token fits the way it was presented (also for the explain endpoint,
	 * which never checks a proof: that would spend its {@code jti}).
	 * @param token the verified token
	 * @param dpopScheme whether it came with the {@code DPoP} scheme (else
	 * {@code Bearer})
	 * @param senderConstrainedRoute whether the route says
	 * {@code sender-constrained: true}
	 * @return {@code null} when it does, else the refusal
	 */
	public DpopRequiredException refusal(VerifiedToken token, boolean dpopScheme, boolean senderConstrainedRoute) {
		if (dpopScheme) {
			return token.senderConstrained() ? null
					: new DpopRequiredException(DpopRequiredException.Reason.TOKEN_NOT_BOUND, this.challenge);
		}
		if (token.senderConstrained()) {
			return new DpopRequiredException(DpopRequiredException.Reason.BOUND_TOKEN_AS_BEARER, this.challenge);
		}
		if (senderConstrainedRoute) {
			return new DpopRequiredException(DpopRequiredException.Reason.SENDER_CONSTRAINED_ROUTE, this.challenge);
		}
		return null;
	}

	/**
	 * The check of a token presented with the {@code DPoP} scheme.
	 * @param request the request
	 * @param accessToken the token as presented
	 * @param token the token, verified
	 * @return completes when the proof is valid, bound to the token's key and used for
	 * the first time; else an error ({@link InvalidDpopProofException},
	 * {@link UseDpopNonceException}, {@link DpopRequiredException},
	 * {@link DpopReplayCheckUnavailableException})
	 */
	public Mono<Void> checkProof(ServerHttpRequest request, String accessToken, VerifiedToken token) {
		DpopRequiredException unbound = refusal(token, true, false);
		if (unbound != null) {
			return Mono.error(unbound);
		}
		List<String> proofs = request.getHeaders().get(PROOF_HEADER);
		if (proofs == null || proofs.isEmpty()) {
			return Mono.error(new InvalidDpopProofException(InvalidDpopProofException.Reason.MISSING, this.challenge));
		}
		if (proofs.size() > 1) {
			return Mono.error(new InvalidDpopProofException(InvalidDpopProofException.Reason.MULTIPLE, this.challenge));
		}
		DpopProofVerifier.VerifiedProof proof = this.verifier.verify(proofs.get(0), request.getMethod().name(),
				targetUri(request), accessToken);
		if (!token.boundTo(proof.thumbprint())) {
			return Mono
				.error(new InvalidDpopProofException(InvalidDpopProofException.Reason.KEY_MISMATCH, this.challenge));
		}
		return this.replays.firstUse(proof.thumbprint(), proof.jti())
			.flatMap((first) -> first ? Mono.empty() : Mono
				.error(new InvalidDpopProofException(InvalidDpopProofException.Reason.REPLAYED, this.challenge)));
	}

	/**
	 * The URL the client addressed: {@code public-base-url} plus the raw path, else the
	 * request's own URL (query dropped).
	 */
	String targetUri(ServerHttpRequest request) {
		URI uri = request.getURI();
		if (this.publicBaseUrl != null) {
			String path = uri.getRawPath();
			return this.publicBaseUrl.substring(0, this.publicBaseUrl.length() - 1)
					+ ((path == null || path.isEmpty()) ? "/" : path);
		}
		return HttpTargetUri.of(uri.getScheme(), uri.getRawAuthority(), uri.getRawPath());
	}

	/**
	 * @return the bare {@code WWW-Authenticate: DPoP algs="..."} challenge
	 */
	public String bareChallenge() {
		return this.challenge.bare();
	}

}
