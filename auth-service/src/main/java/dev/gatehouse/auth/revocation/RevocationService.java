package dev.gatehouse.auth.revocation;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.gatehouse.auth.AuthProperties;

import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Every revocation goes through here: it is recorded in the database (which this service
 * enforces itself) and, in the same transaction, queued for the gateways.
 */
@Service
public class RevocationService {

	private static final Logger logger = LoggerFactory.getLogger(RevocationService.class);

	/**
	 * Kept beyond the gateways' clock skew, for clocks of auth-service and gateways that
	 * disagree a little.
	 */
	static final Duration MARGIN = Duration.ofSeconds(60);

	private final JdbcClient jdbc;

	private final RevocationOutbox outbox;

	private final RevocationPublisher publisher;

	private final RevocationRelay relay;

	private final AuthProperties properties;

	private final Clock clock;

	private final Duration retention;

	private final TransactionTemplate savepoint;

	RevocationService(JdbcClient jdbc, RevocationOutbox outbox, RevocationPublisher publisher, RevocationRelay relay,
			AuthProperties properties, Clock clock, PlatformTransactionManager transactions) {
		this.jdbc = jdbc;
		this.outbox = outbox;
		this.publisher = publisher;
		this.relay = relay;
		this.properties = properties;
		this.clock = clock;
		this.retention = retention(properties);
		this.savepoint = new TransactionTemplate(transactions);
		this.savepoint.setPropagationBehavior(TransactionDefinition.PROPAGATION_NESTED);
	}

	/**
	 * How long past a token's expiry its revocation must be kept: gateways accept it for
	 * their clock skew after {@code exp}, and clocks differ a little ({@link #MARGIN}).
	 */
	static Duration retention(AuthProperties properties) {
		return properties.gatewayClockSkew().plus(MARGIN);
	}

	/**
	 * Denylists one access token for as long as a gateway could accept it. Idempotent,
	 * also under concurrency: of any number of simultaneous revocations of one token, one
	 * records it and the others find it recorded.
	 */
	@Transactional
	public void revokeAccessToken(String jti, Instant expiresAt) {
		Instant forgetAt = expiresAt.plus(this.retention);
		if (!forgetAt.isAfter(this.clock.instant()) || isDenylisted(jti) || !denylist(jti, expiresAt)) {
			return;
		}
		logger.info("Revoked access token jti={}", jti);
		queue(new RevocationEvent(RevocationEvent.Kind.JTI, this.properties.issuer(), jti, expiresAt.getEpochSecond(),
				forgetAt));
	}

	/**
	 * Inserts the denylist row under a savepoint, so that losing a race (a unique-key
	 * violation once the winner commits) leaves the transaction usable, on PostgreSQL as
	 * on H2.
	 * @return whether this call inserted it
	 */
	private boolean denylist(String jti, Instant expiresAt) {
		try {
			this.savepoint.executeWithoutResult(
					(status) -> this.jdbc.sql("insert into revoked_access_tokens (jti, expires_at) values (?, ?)")
						.params(jti, expiresAt.toEpochMilli())
						.update());
			return true;
		}
		catch (DuplicateKeyException ex) {
			return false;
		}
	}

	/**
	 * Revokes one login: its refresh tokens and every access token carrying its
	 * {@code sid}.
	 */
	@Transactional
	public void revokeFamily(String familyId, String why) {
		int changed = this.jdbc
			.sql("update refresh_families set revoked_at = ?, revoked_why = ? where id = ? and revoked_at is null")
			.params(this.clock.millis(), why, familyId)
			.update();
		if (changed == 1) {
			logger.info("Revoked session sid={} ({})", familyId, why);
			queueSession(familyId);
		}
	}

	/**
	 * Revokes everything issued to a user so far: every login and every access token
	 * dated before the next whole second (token {@code iat} has one-second resolution;
	 * new tokens are dated no earlier than that second).
	 * @return the user's new "not before" instant
	 */
	@Transactional
	public Instant revokeUser(String username, String why) {
		Instant notBefore = Instant.ofEpochSecond(this.clock.instant().getEpochSecond() + 1);
		this.jdbc.sql("update users set tokens_not_before = ? where username = ?")
			.params(notBefore.getEpochSecond(), username)
			.update();
		long now = this.clock.millis();
		this.jdbc.sql(
				"update refresh_families set revoked_at = ?, revoked_why = ? where username = ? and revoked_at is null")
			.params(now, why, username)
			.update();
		logger.info("Revoked all tokens of user {} ({})", username, why);
		// every token it concerns was issued before notBefore, so has expired by
		// notBefore + TTL
		Instant forgetAt = notBefore.plus(this.properties.accessTokenTtl()).plus(this.retention);
		queue(new RevocationEvent(RevocationEvent.Kind.USER, this.properties.issuer(), username,
				notBefore.getEpochSecond(), forgetAt));
		return notBefore;
	}

	public boolean isDenylisted(String jti) {
		return this.jdbc.sql("select count(*) from revoked_access_tokens where jti = ?")
			.param(jti)
			.query(Long.class)
			.single() > 0;
	}

	public boolean isSessionRevoked(String familyId) {
		return this.jdbc.sql("select count(*) from refresh_families where id = ? and revoked_at is not null")
			.param(familyId)
			.query(Long.class)
			.single() > 0;
	}

	private void queueSession(String familyId) {
		// the family is revoked: its last access token was issued by now and expires by
		// now + TTL
		long lastExpiry = this.clock.instant().plus(this.properties.accessTokenTtl()).getEpochSecond() + 1;
		queue(new RevocationEvent(RevocationEvent.Kind.SID, this.properties.issuer(), familyId, lastExpiry,
				Instant.ofEpochSecond(lastExpiry).plus(this.retention)));
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
