package dev.gatehouse.auth.token;

import java.time.Clock;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;

import dev.gatehouse.auth.AuthProperties;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** Refresh-token families and their tokens (hashes only) in the database. */
@Repository
class RefreshTokenStore {

	private final JdbcClient jdbc;

	private final AuthProperties properties;

	private final Clock clock;

	RefreshTokenStore(JdbcClient jdbc, AuthProperties properties, Clock clock) {
		this.jdbc = jdbc;
		this.properties = properties;
		this.clock = clock;
	}

	/**
	 * Starts a login: a new family and its first token.
	 * @param dpopJkt the thumbprint of the DPoP key the family is bound to, or
	 * {@code null}
	 */
	Issued startFamily(String username, String clientId, String scope, String dpopJkt) {
		String familyId = UUID.randomUUID().toString();
		this.jdbc.sql(
				"insert into refresh_families (id, username, client_id, scope, created_at, dpop_jkt) values (?, ?, ?, ?, ?, ?)")
			.params(familyId, username, clientId, scope, this.clock.millis(), dpopJkt)
			.update();
		return insertToken(familyId, null);
	}

	Optional<StoredToken> find(String token) {
		return this.jdbc
			.sql("""
					select t.token_hash, t.family_id, t.expires_at, t.spent_at, t.successor, f.username, f.client_id, f.scope, f.revoked_at, f.dpop_jkt
					from refresh_tokens t join refresh_families f on f.id = t.family_id
					where t.token_hash = ?""")
			.param(RefreshTokens.hash(token))
			.query((rs, n) -> {
				long spent = rs.getLong("spent_at");
				boolean spentNull = rs.wasNull();
				long revoked = rs.getLong("revoked_at");
				boolean revokedNull = rs.wasNull();
				return new StoredToken(rs.getString("family_id"), rs.getString("username"), rs.getString("client_id"),
						rs.getString("scope"), Instant.ofEpochMilli(rs.getLong("expires_at")),
						spentNull ? null : Instant.ofEpochMilli(spent), rs.getString("successor"),
						!revokedNull && revoked > 0, rs.getString("dpop_jkt"));
			})
			.optional();
	}

	/**
	 * Spends the token and issues its successor, atomically: only one caller can spend a
	 * token, whatever the concurrency (the conditional update takes the row lock and
	 * re-checks {@code spent_at is null}).
	 * @return the successor, or empty when somebody else spent the token first
	 */
	Optional<Issued> rotate(String token, String familyId) {
		String successor = RefreshTokens.generate();
		int spent = this.jdbc
			.sql("update refresh_tokens set spent_at = ?, successor = ? where token_hash = ? and spent_at is null")
			.params(this.clock.millis(), RefreshTokens.sealSuccessor(token, successor), RefreshTokens.hash(token))
			.update();
		if (spent != 1) {
			return Optional.empty();
		}
		return Optional.of(insertToken(familyId, successor, RefreshTokens.hash(token)));
	}

	/**
	 * Binds a family to a DPoP key unless it is bound already (RFC 9449 §5: a refresh
	 * token issued to a public client that presents a proof is bound to the proof's key).
	 */
	void bindFamily(String familyId, String dpopJkt) {
		this.jdbc.sql("update refresh_families set dpop_jkt = ? where id = ? and dpop_jkt is null")
			.params(dpopJkt, familyId)
			.update();
	}

	private Issued insertToken(String familyId, String parentHash) {
		return insertToken(familyId, RefreshTokens.generate(), parentHash);
	}

	private Issued insertToken(String familyId, String token, String parentHash) {
		Instant now = this.clock.instant();
		Instant expiresAt = now.plus(this.properties.refreshTokenTtl());
		this.jdbc.sql(
				"insert into refresh_tokens (token_hash, family_id, parent_hash, issued_at, expires_at) values (?, ?, ?, ?, ?)")
			.params(RefreshTokens.hash(token), familyId, parentHash, now.toEpochMilli(), expiresAt.toEpochMilli())
			.update();
		return new Issued(token, familyId, expiresAt);
	}

	/**
	 * A refresh token as stored, found by its hash; {@code dpopJkt} is the thumbprint of
	 * the DPoP key its family is bound to, or {@code null}.
	 */
	record StoredToken(String familyId, String username, String clientId, String scope, Instant expiresAt,
			Instant spentAt, String sealedSuccessor, boolean familyRevoked, String dpopJkt) {
	}

	/** A refresh token just issued; {@link #toString()} never shows it. */
	record Issued(String value, String familyId, Instant expiresAt) {

		@Override
		public String toString() {
			return "Issued[familyId=" + this.familyId + ", expiresAt=" + this.expiresAt + "]";
		}
	}

}
