package dev.gatehouse.gateway.revocation;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import dev.gatehouse.gateway.security.TokenRevocationCheck;
import dev.gatehouse.gateway.security.VerifiedToken;

/**
 * The revocations this gateway knows, in memory, so a request never waits on Redis:
 * revoked access tokens by {@code jti}, revoked logins by {@code sid}, and per-user "not
 * before" instants by issuer and subject (a {@code sub} is only unique per issuer). Kept
 * current by {@link RedisRevocationSync}.
 * <p>
 * An entry is kept until no token it concerns can be accepted any more, whatever TTL its
 * Redis key had: a revoked {@code jti} or {@code sid} until its expiry plus this
 * gateway's clock skew plus {@link #MARGIN}; a user's "not before" until it plus the
 * maximum token lifetime plus the same.
 */
final class RevocationView implements TokenRevocationCheck {

	/**
	 * Kept beyond the clock skew, for clocks of auth-service and gateway that disagree a
	 * little.
	 */
	public static final Duration MARGIN = Duration.ofSeconds(60);

	private final Map<String, Long> tokens = new ConcurrentHashMap<>();

	private final Map<String, Long> sessions = new ConcurrentHashMap<>();

	/** Issuer, then subject. */
	private final Map<String, Map<String, Entry>> users = new ConcurrentHashMap<>();

	/**
	 * Written by an auth-service from before issuer-qualified keys ({@code user:<sub>}):
	 * applies under every issuer.
	 */
	private final Map<String, Entry> legacyUsers = new ConcurrentHashMap<>();

	private final Clock clock;

	private final long tokenRetention;

	private final long userRetention;

	/**
	 * @param clock the clock
	 * @param clockSkew the skew this gateway tolerates on {@code exp}
	 * @param maxTokenLifetime the longest {@code exp - iat} this gateway accepts
	 */
	public RevocationView(Clock clock, Duration clockSkew, Duration maxTokenLifetime) {
		this.clock = clock;
		this.tokenRetention = clockSkew.plus(MARGIN).toSeconds();
		// a token dated before a user's "not before" expires at most the maximum lifetime
		// after it
		this.userRetention = maxTokenLifetime.toSeconds() + this.tokenRetention;
	}

	@Override
	public boolean isRevoked(VerifiedToken token) {
		return revoked(token);
	}

	boolean revoked(VerifiedToken token) {
		if (token.tokenId() != null && this.tokens.containsKey(token.tokenId())) {
			return true;
		}
		if (token.sessionId() != null && this.sessions.containsKey(token.sessionId())) {
			return true;
		}
		Map<String, Entry> ofIssuer = this.users.get(token.issuer());
		if (ofIssuer != null && revokes(ofIssuer.get(token.subject()), token)) {
			return true;
		}
		return !this.legacyUsers.isEmpty() && revokes(this.legacyUsers.get(token.subject()), token);
	}

	private static boolean revokes(Entry user, VerifiedToken token) {
		// a token without iat cannot prove it was issued after the revocation
		return user != null && (token.issuedAt() == null || token.issuedAt().getEpochSecond() < user.notBefore());
	}

	/**
	 * Applies one revocation as the auth-service writes it.
	 * @param kind {@code jti}, {@code sid} or {@code user}
	 * @param subject the jti, the sid, or {@code <iss>:<sub>} with both form-encoded
	 * (UTF-8)
	 * @param value expiry of the token (jti), of the login's last token (sid), or "not
	 * before" (user), epoch seconds
	 * @return whether the revocation was understood
	 */
	public boolean apply(String kind, String subject, long value) {
		switch (kind) {
			case "jti" -> this.tokens.merge(subject, value + this.tokenRetention, Math::max);
			case "sid" -> this.sessions.merge(subject, value + this.tokenRetention, Math::max);
			case "user" -> {
				return applyUser(subject, new Entry(value, value + this.userRetention));
			}
			default -> {
				return false;
			}
		}
		return true;
	}

	private boolean applyUser(String subject, Entry entry) {
		int separator = subject.indexOf(':');
		if (separator < 0) {
			this.legacyUsers.merge(subject, entry, Entry::later);
			return true;
		}
		String issuer;
		String user;
		try {
			issuer = URLDecoder.decode(subject.substring(0, separator), StandardCharsets.UTF_8);
			user = URLDecoder.decode(subject.substring(separator + 1), StandardCharsets.UTF_8);
		}
		catch (IllegalArgumentException ex) {
			return false;
		}
		if (issuer.isEmpty() || user.isEmpty() || subject.indexOf(':', separator + 1) >= 0) {
			return false;
		}
		this.users.computeIfAbsent(issuer, (key) -> new ConcurrentHashMap<>()).merge(user, entry, Entry::later);
		return true;
	}

	/** Drops what can no longer matter; returns how many entries remain. */
	public int prune() {
		long now = Instant.now(this.clock).getEpochSecond();
		this.tokens.values().removeIf((forgetAt) -> forgetAt < now);
		this.sessions.values().removeIf((forgetAt) -> forgetAt < now);
		// emptied issuer maps stay: there are as few as there are issuers
		this.users.values().forEach((ofIssuer) -> ofIssuer.values().removeIf((entry) -> entry.forgetAt() < now));
		this.legacyUsers.values().removeIf((entry) -> entry.forgetAt() < now);
		return size();
	}

	public int size() {
		int users = 0;
		for (Map<String, Entry> ofIssuer : this.users.values()) {
			users += ofIssuer.size();
		}
		return this.tokens.size() + this.sessions.size() + users + this.legacyUsers.size();
	}

	private record Entry(long notBefore, long forgetAt) {

		/** The later "not before" wins, whatever the order of arrival. */
		static Entry later(Entry a, Entry b) {
			return (a.notBefore() >= b.notBefore()) ? a : b;
		}

	}

}
