package dev.gatehouse.auth.revocation;

import java.time.Clock;
import java.time.Instant;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.gatehouse.auth.AuthProperties;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * Every revocation goes through here: it is recorded in the database (which this service enforces itself) and, in
 * the same transaction, queued for the gateways.
 */
@Service
public class RevocationService {

	private static final Logger logger = LoggerFactory.getLogger(RevocationService.class);

	/** Gateways accept this much clock skew; user revocations are kept that much longer. */
	private static final long SKEW_MARGIN_SECONDS = 60;

	private final JdbcClient jdbc;

	private final RevocationOutbox outbox;

	private final RevocationPublisher publisher;

	private final RevocationRelay relay;

	private final AuthProperties properties;

	private final Clock clock;

	RevocationService(JdbcClient jdbc, RevocationOutbox outbox, RevocationPublisher publisher, RevocationRelay relay,
			AuthProperties properties, Clock clock) {
		this.jdbc = jdbc;
		this.outbox = outbox;
		this.publisher = publisher;
		this.relay = relay;
		this.properties = properties;
		this.clock = clock;
	}

	/** Denylists one access token until it expires. */
	@Transactional
	public void revokeAccessToken(String jti, Instant expiresAt) {
		if (!expiresAt.isAfter(this.clock.instant()) || isDenylisted(jti)) {
			return;
		}
		this.jdbc.sql("insert into revoked_access_tokens (jti, expires_at) values (?, ?)")
			.params(jti, expiresAt.toEpochMilli())
			.update();
		logger.info("Revoked access token jti={}", jti);
		queue(new RevocationEvent(RevocationEvent.Kind.JTI, jti, expiresAt.getEpochSecond(), expiresAt));
	}

	/** Revokes one login: its refresh tokens and every access token carrying its {@code sid}. */
	@Transactional
	public void revokeFamily(String familyId, String why) {
		int changed = this.jdbc.sql("update refresh_families set revoked_at = ?, revoked_why = ? where id = ? and revoked_at is null")
			.params(this.clock.millis(), why, familyId)
			.update();
		if (changed == 1) {
			logger.info("Revoked session sid={} ({})", familyId, why);
			queueSession(familyId);
		}
	}

	/**
	 * Revokes everything issued to a user so far: every login and every access token dated before the next whole
	 * second (token {@code iat} has one-second resolution; new tokens are dated no earlier than that second).
	 * @return the user's new "not before" instant
	 */
	@Transactional
	public Instant revokeUser(String username, String why) {
		Instant notBefore = Instant.ofEpochSecond(this.clock.instant().getEpochSecond() + 1);
		this.jdbc.sql("update users set tokens_not_before = ? where username = ?")
			.params(notBefore.getEpochSecond(), username)
			.update();
		long now = this.clock.millis();
		this.jdbc.sql("update refresh_families set revoked_at = ?, revoked_why = ? where username = ? and revoked_at is null")
			.params(now, why, username)
			.update();
		logger.info("Revoked all tokens of user {} ({})", username, why);
		Instant forgetAt = notBefore.plus(this.properties.accessTokenTtl()).plusSeconds(SKEW_MARGIN_SECONDS);
		queue(new RevocationEvent(RevocationEvent.Kind.USER, username, notBefore.getEpochSecond(), forgetAt));
		return notBefore;
	}

	public boolean isDenylisted(String jti) {
		return this.jdbc.sql("select count(*) from revoked_access_tokens where jti = ?").param(jti).query(Long.class).single() > 0;
	}

	public boolean isSessionRevoked(String familyId) {
		return this.jdbc.sql("select count(*) from refresh_families where id = ? and revoked_at is not null")
			.param(familyId)
			.query(Long.class)
			.single() > 0;
	}

	private void queueSession(String familyId) {
		Instant until = this.clock.instant().plus(this.properties.accessTokenTtl()).plusSeconds(SKEW_MARGIN_SECONDS);
		queue(new RevocationEvent(RevocationEvent.Kind.SID, familyId, until.getEpochSecond(), until));
	}

	private void queue(RevocationEvent event) {
		if (!this.publisher.enabled()) {
			return;
		}
		this.outbox.add(event);
		if (TransactionSynchronizationManager.isSynchronizationActive()) {
			TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
				@Override
				public void afterCommit() {
					RevocationService.this.relay.requestFlush();
				}
			});
		}
		else {
			this.relay.requestFlush();
		}
	}

}
