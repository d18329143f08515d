package dev.gatehouse.gateway.revocation;

import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import reactor.core.publisher.Mono;

import dev.gatehouse.gateway.security.TokenRevocationCheck;
import dev.gatehouse.gateway.security.VerifiedToken;

/**
 * The revocations this gateway knows, in memory, so a request never waits on Redis: revoked access tokens by
 * {@code jti}, revoked logins by {@code sid}, and per-user "not before" instants. Entries are forgotten once every
 * token they concern has expired. Kept current by {@link RedisRevocationSync}.
 */
public final class RevocationView implements TokenRevocationCheck {

	private static final Mono<Boolean> REVOKED = Mono.just(true);

	private static final Mono<Boolean> VALID = Mono.just(false);

	private final Map<String, Long> tokens = new ConcurrentHashMap<>();

	private final Map<String, Long> sessions = new ConcurrentHashMap<>();

	private final Map<String, Entry> users = new ConcurrentHashMap<>();

	private final Clock clock;

	public RevocationView(Clock clock) {
		this.clock = clock;
	}

	@Override
	public Mono<Boolean> isRevoked(VerifiedToken token) {
		return revoked(token) ? REVOKED : VALID;
	}

	boolean revoked(VerifiedToken token) {
		if (token.tokenId() != null && this.tokens.containsKey(token.tokenId())) {
			return true;
		}
		if (token.sessionId() != null && this.sessions.containsKey(token.sessionId())) {
			return true;
		}
		Entry user = this.users.get(token.subject());
		// a token without iat cannot prove it was issued after the revocation
		return user != null && (token.issuedAt() == null || token.issuedAt().getEpochSecond() < user.notBefore());
	}

	/**
	 * Applies one revocation as the auth-service writes it.
	 * @param kind {@code jti}, {@code sid} or {@code user}
	 * @param subject the jti, sid or username
	 * @param value expiry (jti), end of relevance (sid) or "not before" (user), epoch seconds
	 * @param forgetAt epoch second after which the entry can be dropped
	 * @return whether the kind was understood
	 */
	public boolean apply(String kind, String subject, long value, long forgetAt) {
		switch (kind) {
			case "jti" -> this.tokens.merge(subject, forgetAt, Math::max);
			case "sid" -> this.sessions.merge(subject, forgetAt, Math::max);
			case "user" -> this.users.merge(subject, new Entry(value, forgetAt),
					(a, b) -> (a.notBefore() >= b.notBefore()) ? a : b);
			default -> {
				return false;
			}
		}
		return true;
	}

	/** Drops what has expired; returns how many entries remain. */
	public int prune() {
		long now = Instant.now(this.clock).getEpochSecond();
		this.tokens.values().removeIf((forgetAt) -> forgetAt < now);
		this.sessions.values().removeIf((forgetAt) -> forgetAt < now);
		this.users.values().removeIf((entry) -> entry.forgetAt() < now);
		return size();
	}

	public int size() {
		return this.tokens.size() + this.sessions.size() + this.users.size();
	}

	private record Entry(long notBefore, long forgetAt) {
	}

}
