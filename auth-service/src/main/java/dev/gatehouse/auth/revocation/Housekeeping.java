package dev.gatehouse.auth.revocation;

import java.time.Clock;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Transactional;

/** Deletes what can no longer matter: expired refresh tokens, empty sessions, denylist entries past their expiry. */
@Component
class Housekeeping {

	private static final Logger logger = LoggerFactory.getLogger(Housekeeping.class);

	private final JdbcClient jdbc;

	private final Clock clock;

	Housekeeping(JdbcClient jdbc, Clock clock) {
		this.jdbc = jdbc;
		this.clock = clock;
	}

	@Scheduled(fixedDelayString = "${gatehouse.auth.housekeeping-interval:10m}", initialDelayString = "${gatehouse.auth.housekeeping-interval:10m}")
	@Transactional
	public int purge() {
		long now = this.clock.millis();
		int removed = this.jdbc.sql("delete from refresh_tokens where expires_at < ?").param(now).update();
		removed += this.jdbc.sql("delete from refresh_families where not exists (select 1 from refresh_tokens t where t.family_id = refresh_families.id)").update();
		removed += this.jdbc.sql("delete from revoked_access_tokens where expires_at < ?").param(now).update();
		removed += this.jdbc.sql("delete from revocation_outbox where expires_at < ?").param(now).update();
		if (removed > 0) {
			logger.info("Housekeeping removed {} expired rows", removed);
		}
		return removed;
	}

}
