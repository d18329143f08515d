package dev.gatehouse.auth.revocation;

import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

import dev.gatehouse.auth.AuthProperties;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/**
 * Revocations committed with the change that caused them and not yet published
 * (transactional outbox).
 */
@Repository
class RevocationOutbox {

	private final JdbcClient jdbc;

	private final Clock clock;

	/**
	 * Rows queued before the issuer column existed concern tokens of this issuer, the
	 * only one we sign for.
	 */
	private final String defaultIssuer;

	RevocationOutbox(JdbcClient jdbc, Clock clock, AuthProperties properties) {
		this.jdbc = jdbc;
		this.clock = clock;
		this.defaultIssuer = properties.issuer();
	}

	void add(RevocationEvent event) {
		this.jdbc.sql(
				"insert into revocation_outbox (kind, issuer, subject, val, expires_at, created_at) values (?, ?, ?, ?, ?, ?)")
			.params(event.kind().id(), event.issuer(), event.subject(), event.value(), event.expiresAt().toEpochMilli(),
					this.clock.millis())
			.update();
	}

	List<Entry> oldest(int limit) {
		return this.jdbc.sql(
				"select id, kind, issuer, subject, val, expires_at from revocation_outbox order by id fetch first ? rows only")
			.param(limit)
			.query((rs, n) -> new Entry(rs.getLong("id"),
					new RevocationEvent(RevocationEvent.Kind.valueOf(rs.getString("kind").toUpperCase(Locale.ROOT)),
							Objects.requireNonNullElse(rs.getString("issuer"), this.defaultIssuer),
							rs.getString("subject"), rs.getLong("val"),
							Instant.ofEpochMilli(rs.getLong("expires_at")))))
			.list();
	}

	void remove(long id) {
		this.jdbc.sql("delete from revocation_outbox where id = ?").param(id).update();
	}

	long size() {
		return this.jdbc.sql("select count(*) from revocation_outbox").query(Long.class).single();
	}

	record Entry(long id, RevocationEvent event) {
	}

}
