package dev.gatehouse.auth.support;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

/**
 * The database tests run against: H2 by default (a real embedded database), or the
 * PostgreSQL server on 127.0.0.1:5432 when {@code -Dgatehouse.test.database=postgres}
 * (what {@code .ci/run} does when one answers). With PostgreSQL every test JVM works in a
 * schema of its own.
 */
public final class TestDatabase {

	public static final boolean POSTGRES = "postgres".equals(System.getProperty("gatehouse.test.database"));

	private static final String SCHEMA = "gatehouse_test_"
			+ UUID.randomUUID().toString().replace("-", "").substring(0, 12);

	private TestDatabase() {
	}

	/**
	 * An in-memory H2 database shared by the tests of one JVM, or the PostgreSQL schema.
	 */
	public static Map<String, String> shared() {
		return POSTGRES ? postgres()
				: Map.of("spring.datasource.url", "jdbc:h2:mem:auth-tests;DB_CLOSE_DELAY=-1;LOCK_TIMEOUT=10000");
	}

	/**
	 * What survives a restart: a file H2 database under the data directory, or the
	 * PostgreSQL schema.
	 */
	public static Map<String, String> durable(Path dataDir) {
		Map<String, String> properties = new LinkedHashMap<>(POSTGRES ? postgres() : Map.of());
		properties.put("gatehouse.auth.data-dir", dataDir.toString());
		return properties;
	}

	private static Map<String, String> postgres() {
		return Map.of("spring.datasource.url", "jdbc:postgresql://127.0.0.1:5432/postgres?currentSchema=" + SCHEMA,
				"spring.datasource.username", "postgres", "spring.datasource.password", "", "spring.flyway.schemas",
				SCHEMA, "spring.flyway.create-schemas", "true");
	}

}
