package dev.gatehouse.demo;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.yaml.snakeyaml.Yaml;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The two shipped route files, the demo profile's
 * ({@code gateway/src/main/resources/application-demo.yml}) and docker compose's
 * ({@code deploy/gateway-routes.yml}): every {@code /auth} route is limited per client
 * address with a burst and a quota (issue 13, finding 3), and both files carry the same
 * routes and policies.
 */
class RouteFilesTests {

	static final String DEMO = "gateway/src/main/resources/application-demo.yml";

	static final String DEPLOY = "deploy/gateway-routes.yml";

	@ParameterizedTest
	@ValueSource(strings = { DEMO, DEPLOY })
	void everyAuthRouteIsLimitedPerClientAddressWithABurstAndAQuota(String file) throws IOException {
		List<Map<String, Object>> authRoutes = routes(file).stream()
			.filter((route) -> predicates(route).stream().anyMatch((p) -> p.startsWith("Path=/auth")))
			.toList();
		assertThat(authRoutes).extracting((route) -> route.get("id")).containsExactly("auth-token", "auth");
		for (Map<String, Object> route : authRoutes) {
			List<Map<String, Object>> limits = limits(route);
			assertThat(limits).as("%s %s limits", file, route.get("id")).hasSize(2);
			assertThat(limits).as("%s %s limits are per client address", file, route.get("id"))
				.allSatisfy((limit) -> assertThat(limit.get("key")).isEqualTo("ip"));
			assertThat(limits.get(0).get("period")).as("burst window").isEqualTo("1s");
			assertThat(limits.get(1).get("period")).as("quota window").isEqualTo("60s");
		}
		// the token endpoint (logins, refreshes) keeps the tighter quota, and matches
		// first
		assertThat(requests(limits(authRoutes.get(0)).get(1))).isEqualTo(30);
		assertThat(requests(limits(authRoutes.get(0)).get(1))).isLessThan(requests(limits(authRoutes.get(1)).get(1)));
		assertThat(predicates(authRoutes.get(0))).containsExactly("Path=/auth/token");
		assertThat(predicates(authRoutes.get(1))).containsExactly("Path=/auth/**");
	}

	@Test
	void composeRoutesCarryTheDemoRoutesPolicies() throws IOException {
		assertThat(policies(DEPLOY)).isEqualTo(policies(DEMO));
	}

	private static Map<Object, Object> policies(String file) throws IOException {
		Map<Object, Object> policies = new LinkedHashMap<>();
		for (Map<String, Object> route : routes(file)) {
			policies.put(route.get("id"), List.of(predicates(route), String.valueOf(route.get("filters")),
					String.valueOf(route.get("metadata"))));
		}
		return policies;
	}

	@SuppressWarnings("unchecked")
	private static List<Map<String, Object>> limits(Map<String, Object> route) {
		Object limits = ((Map<String, Object>) route.getOrDefault("metadata", Map.of())).get("rate-limit");
		return (limits instanceof List<?> list) ? (List<Map<String, Object>>) list
				: (limits instanceof Map<?, ?> one) ? List.of((Map<String, Object>) one) : List.of();
	}

	private static int requests(Map<String, Object> limit) {
		return Integer.parseInt(String.valueOf(limit.get("requests")));
	}

	private static List<String> predicates(Map<String, Object> route) {
		List<String> predicates = new ArrayList<>();
		if (route.get("predicates") instanceof List<?> list) {
			list.forEach((p) -> predicates.add(String.valueOf(p)));
		}
		return predicates;
	}

	@SuppressWarnings("unchecked")
	static List<Map<String, Object>> routes(String file) throws IOException {
		Map<String, Object> yaml;
		try (Reader reader = Files.newBufferedReader(RepositoryFiles.root().resolve(file))) {
			yaml = new Yaml().load(reader);
		}
		Object current = yaml;
		for (String key : List.of("spring", "cloud", "gateway", "server", "webflux", "routes")) {
			current = ((Map<String, Object>) current).get(key);
		}
		return (List<Map<String, Object>>) current;
	}

}
