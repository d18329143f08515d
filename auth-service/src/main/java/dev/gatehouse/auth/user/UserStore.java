package dev.gatehouse.auth.user;

import java.time.Clock;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

import org.springframework.jdbc.core.RowMapper;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** Users in the relational database. */
@Repository
class UserStore {

	private static final RowMapper<User> ROW = (rs, n) -> {
		long notBefore = rs.getLong("tokens_not_before");
		return new User(rs.getString("username"), rs.getString("password_hash"), rs.getString("email"),
				rs.getString("full_name"), splitRoles(rs.getString("roles")), rs.getBoolean("disabled"),
				rs.wasNull() || notBefore == 0 ? null : Instant.ofEpochSecond(notBefore));
	};

	private final JdbcClient jdbc;

	private final Clock clock;

	UserStore(JdbcClient jdbc, Clock clock) {
		this.jdbc = jdbc;
		this.clock = clock;
	}

	public Optional<User> find(String username) {
		return this.jdbc.sql("select * from users where username = ?").param(username).query(ROW).optional();
	}

	/**
	 * The user's row, locked until the current transaction ends (H2 and PostgreSQL
	 * alike).
	 */
	Optional<User> findForUpdate(String username) {
		return this.jdbc.sql("select * from users where username = ? for update").param(username).query(ROW).optional();
	}

	List<User> findAll() {
		return this.jdbc.sql("select * from users order by username").query(ROW).list();
	}

	long count() {
		return this.jdbc.sql("select count(*) from users").query(Long.class).single();
	}

	/**
	 * @return false when the username is taken
	 */
	boolean insert(User user) {
		long now = this.clock.millis();
		int inserted = this.jdbc
			.sql("""
					insert into users (username, password_hash, email, full_name, roles, disabled, tokens_not_before, created_at, updated_at)
					select ?, ?, ?, ?, ?, ?, ?, ?, ? where not exists (select 1 from users where username = ?)""")
			.params(user.username(), user.passwordHash(), user.email(), user.fullName(), joinRoles(user.roles()),
					user.disabled(), epochSeconds(user.tokensNotBefore()), now, now, user.username())
			.update();
		return inserted == 1;
	}

	void update(User user) {
		this.jdbc
			.sql("""
					update users set password_hash = ?, email = ?, full_name = ?, roles = ?, disabled = ?, tokens_not_before = ?, updated_at = ?
					where username = ?""")
			.params(user.passwordHash(), user.email(), user.fullName(), joinRoles(user.roles()), user.disabled(),
					epochSeconds(user.tokensNotBefore()), this.clock.millis(), user.username())
			.update();
	}

	/**
	 * @return false when the hash was changed meanwhile
	 */
	boolean updatePasswordHash(String username, String expectedOldHash, String newHash) {
		return this.jdbc
			.sql("update users set password_hash = ?, updated_at = ? where username = ? and password_hash = ?")
			.params(newHash, this.clock.millis(), username, expectedOldHash)
			.update() == 1;
	}

	boolean delete(String username) {
		return this.jdbc.sql("delete from users where username = ?").param(username).update() == 1;
	}

	private static Long epochSeconds(Instant instant) {
		return (instant != null) ? instant.getEpochSecond() : null;
	}

	private static String joinRoles(List<String> roles) {
		return String.join(",", roles);
	}

	private static List<String> splitRoles(String roles) {
		return (roles == null || roles.isEmpty()) ? List.of() : Arrays.asList(roles.split(","));
	}

}
