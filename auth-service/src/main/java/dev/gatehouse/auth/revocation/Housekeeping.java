package dev.gatehouse.auth.revocation;

import java.time.Clock;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.gatehouse.auth.AuthProperties;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Transactional;

/**
 * Deletes what can no longer matter: expired refresh tokens, empty sessions, denylist
 * entries once no gateway accepts their token any more (expiry plus the gateways' clock
 * skew plus a margin).
 */
@Component
class Housekeeping {

	private static final Logger logger = LoggerFactory.getLogger(Housekeeping.class);

	private final JdbcClient jdbc;

	private final Clock clock;

	private final long denylistRetentionMillis;

	Housekeeping(JdbcClient jdbc, Clock clock, AuthProperties properties) {
		this.jdbc = jdbc;
		this.clock = clock;
		this.denylistRetentionMillis = RevocationService.retention(properties).toMillis();
	}

	/**
	 * Runs every {@code gatehouse.auth.housekeeping-interval} (scheduled by
	 * {@link RevocationConfiguration}).
	 * @return how many rows were deleted
	 */
	@Transactional
	public int purge() {
		long now = this.clock.millis();
		int removed = this.jdbc.sql("delete from refresh_tokens where expires_at < ?").param(now).update();
		removed += this.jdbc.sql(
				"delete from refresh_families where not exists (select 1 from refresh_tokens t where t.family_id = refresh_families.id)")
			.update();
		removed += this.jdbc.sql("delete from revoked_access_tokens where expires_at < ?")
			.param(now - this.denylistRetentionMillis)
			.update();
		removed += this.jdbc.sql("delete from revocation_outbox where expires_at < ?").param(now).update();
		if (removed > 0) {
			logger.info("Housekeeping removed {} expired rows", removed);
		}
		return removed;
	}

}
