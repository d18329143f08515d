package dev.gatehouse.auth.token;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;

import dev.gatehouse.auth.AuthProperties;

/** Properties as the binder would make them from defaults, for unit tests. */
final class TestProperties {

	private TestProperties() {
	}

	static AuthProperties withTrustedProxies(String... proxies) {
		return new AuthProperties("http://auth.test", "gatehouse", Duration.ofMinutes(15), Duration.ofDays(7),
				Duration.ofSeconds(2), Path.of("data"), "/", true, List.of(),
				new AuthProperties.Signing(null, "RS256", List.of()),
				new AuthProperties.Throttle(5, Duration.ofSeconds(60)),
				new AuthProperties.Throttle(5, Duration.ofSeconds(60)),
				new AuthProperties.PasswordHashing(0, Duration.ofSeconds(1)), List.of(proxies),
				List.of(new AuthProperties.Client("gatehouse-web", null, Set.of("password", "refresh_token"),
						Set.of("profile"))),
				new AuthProperties.Bootstrap(new AuthProperties.Admin(null, null)), Duration.ofSeconds(60),
				Duration.ofMinutes(10), Duration.ofSeconds(2));
	}

}
