package dev.gatehouse.gateway.routes;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.beans.factory.support.DefaultListableBeanFactory;
import org.springframework.boot.context.properties.bind.PlaceholdersResolver;
import org.springframework.boot.convert.ApplicationConversionService;
import org.springframework.boot.webflux.autoconfigure.WebFluxProperties;
import org.springframework.cloud.gateway.event.RefreshRoutesEvent;
import org.springframework.cloud.gateway.filter.factory.AddResponseHeaderGatewayFilterFactory;
import org.springframework.cloud.gateway.filter.factory.StripPrefixGatewayFilterFactory;
import org.springframework.cloud.gateway.handler.predicate.PathRoutePredicateFactory;
import org.springframework.cloud.gateway.route.RouteDefinition;
import org.springframework.cloud.gateway.support.ConfigurationService;
import org.springframework.validation.beanvalidation.LocalValidatorFactoryBean;

import dev.gatehouse.gateway.policy.RoutePolicies;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The routes file read, checked and swapped by hand-driven polls (no timers): a change is
 * taken once two reads agree, a broken file changes nothing and is reported once.
 */
class RoutesFileWatcherTests {

	private static final String ROUTES = "spring.cloud.gateway.server.webflux.routes";

	@TempDir
	Path dir;

	private final SimpleMeterRegistry meters = new SimpleMeterRegistry();

	private final RoutesReload reload = new RoutesReload("routes.yml", this.meters,
			Clock.fixed(Instant.parse("2026-01-01T00:00:00Z"), ZoneOffset.UTC));

	private final List<Object> events = new ArrayList<>();

	private static RouteDefinitionChecker checker() {
		LocalValidatorFactoryBean validator = new LocalValidatorFactoryBean();
		validator.afterPropertiesSet();
		ConfigurationService configuration = new ConfigurationService(new DefaultListableBeanFactory(),
				ApplicationConversionService::getSharedInstance, () -> validator);
		return new RouteDefinitionChecker(List.of(new PathRoutePredicateFactory(new WebFluxProperties())),
				List.of(new AddResponseHeaderGatewayFilterFactory(), new StripPrefixGatewayFilterFactory()),
				configuration, new RoutePolicies(List.of("http://issuer.test")));
	}

	private static String route(String id, String path) {
		return """
				  - id: %s
				    uri: http://backend:8080
				    predicates: [Path=%s]
				    filters: [StripPrefix=1]
				    metadata: { roles: [user] }
				""".formatted(id, path);
	}

	private RoutesFileWatcher watcher(Path file, RoutesFileLocator locator) throws IOException {
		return new RoutesFileWatcher(file, Duration.ofSeconds(1), locator, Files.readAllBytes(file), checker(),
				List.of("app-route"), this.reload, this.events::add, PlaceholdersResolver.NONE);
	}

	private static List<String> ids(RoutesFileLocator locator) {
		return locator.getRouteDefinitions().map(RouteDefinition::getId).collectList().block();
	}

	@Test
	void aChangeIsTakenOnceTwoReadsAgreeAndSwapsTheWholeSet() throws IOException {
		Path file = Files.writeString(this.dir.resolve("routes.yml"), ROUTES + ":\n" + route("a", "/a/**"));
		RoutesFileLocator locator = new RoutesFileLocator(
				RoutesFile.parse(file, Files.readAllBytes(file), PlaceholdersResolver.NONE).routes());
		RoutesFileWatcher watcher = watcher(file, locator);
		Files.writeString(file, ROUTES + ":\n" + route("b", "/b/**") + route("c", "/c/**"));
		watcher.poll();
		assertThat(ids(locator)).as("first read of a change: maybe half written").containsExactly("a");
		assertThat(this.events).isEmpty();
		watcher.poll();
		assertThat(ids(locator)).containsExactly("b", "c");
		assertThat(this.events).singleElement().isInstanceOf(RefreshRoutesEvent.class);
		assertThat(this.reload.status().routes()).isEqualTo(2);
		assertThat(this.meters.counter(RoutesReload.METRIC, "result", "success").count()).isEqualTo(1);
		watcher.poll();
		assertThat(this.events).as("unchanged: nothing to do").hasSize(1);
	}

	@Test
	void aBrokenFileChangesNothingAndIsReportedOnce() throws IOException {
		Path file = Files.writeString(this.dir.resolve("routes.yml"), ROUTES + ":\n" + route("a", "/a/**"));
		RoutesFileLocator locator = new RoutesFileLocator(
				RoutesFile.parse(file, Files.readAllBytes(file), PlaceholdersResolver.NONE).routes());
		RoutesFileWatcher watcher = watcher(file, locator);
		Files.writeString(file,
				ROUTES + ":\n" + route("a", "/a/**") + route("app-route", "/x/**").replace("roles", "role"));
		for (int i = 0; i < 4; i++) {
			watcher.poll();
		}
		assertThat(ids(locator)).containsExactly("a");
		assertThat(this.events).isEmpty();
		assertThat(this.meters.counter(RoutesReload.METRIC, "result", "failure").count()).isEqualTo(1);
		assertThat(this.reload.status().lastFailure()).isEqualTo(Instant.parse("2026-01-01T00:00:00Z"));
		assertThat(this.reload.status().lastFailureProblems()).hasSize(2)
			.anySatisfy((problem) -> assertThat(problem).contains(ROUTES + "[1].id: 'app-route' is the id of another"))
			.anySatisfy((problem) -> assertThat(problem).contains(ROUTES + "[1].metadata.role: unknown policy key"));
		Files.delete(file);
		watcher.poll();
		watcher.poll();
		assertThat(ids(locator)).as("a deleted file keeps the last good routes").containsExactly("a");
		assertThat(this.reload.status().lastFailureProblems()).singleElement().asString().endsWith("no such file");
	}

	@Test
	void theRoutesFileHoldsRoutesOnly() {
		RoutesFile.Parsed parsed = RoutesFile.parse(Path.of("r.yml"),
				"server.port: 9999\nspring.cloud.gateway.server.webflux.routes: []\n".getBytes(),
				PlaceholdersResolver.NONE);
		assertThat(parsed.problems()).singleElement().asString().startsWith("server.port: not a route");
		assertThat(RoutesFile.parse(Path.of("r.yml"), new byte[0], PlaceholdersResolver.NONE).problems())
			.singleElement()
			.asString()
			.contains("missing");
		assertThat(RoutesFile.parse(Path.of("r.yml"), "routes: [".getBytes(), PlaceholdersResolver.NONE).problems())
			.singleElement()
			.asString()
			.startsWith("not valid YAML");
		RoutesFile.Parsed empty = RoutesFile.parse(Path.of("r.yml"),
				"spring.cloud.gateway.server.webflux.routes: []\n".getBytes(), PlaceholdersResolver.NONE);
		assertThat(empty.problems()).isEmpty();
		assertThat(empty.routes()).isEmpty();
	}

	@Test
	void everyRouteThatDoesNotBindIsReportedNotOnlyTheFirst() {
		String yaml = """
				spring.cloud.gateway.server.webflux.routes:
				  - id: a
				    uri: http://a.test
				    predicates: [Path]
				  - id: b
				    uri: http://b.test
				    predicates: [Path=/b/**]
				  - id: c
				    uri: http://c.test
				    predicates: [Host]
				""";
		RoutesFile.Parsed parsed = RoutesFile.parse(Path.of("r.yml"), yaml.getBytes(), PlaceholdersResolver.NONE);
		assertThat(parsed.problems()).hasSize(2)
			.anySatisfy((problem) -> assertThat(problem).startsWith("spring.cloud.gateway.server.webflux.routes[0]"))
			.anySatisfy((problem) -> assertThat(problem).startsWith("spring.cloud.gateway.server.webflux.routes[2]"));
		assertThat(parsed.routes()).isEmpty();
	}

}
