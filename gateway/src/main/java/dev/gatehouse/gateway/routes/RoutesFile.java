package dev.gatehouse.gateway.routes;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.springframework.boot.context.properties.bind.PlaceholdersResolver;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.boot.env.YamlPropertySourceLoader;
import org.springframework.cloud.gateway.route.RouteDefinition;
import org.springframework.core.NestedExceptionUtils;
import org.springframework.core.env.EnumerablePropertySource;
import org.springframework.core.env.PropertySource;
import org.springframework.core.io.ByteArrayResource;

/**
 * Reads a routes file: YAML shaped like application YAML, holding
 * {@code spring.cloud.gateway.server.webflux.routes} and nothing else, bound exactly as
 * Spring Boot binds the application's routes.
 */
final class RoutesFile {

	private RoutesFile() {
	}

	/**
	 * @param file the file
	 * @return its bytes
	 * @throws IOException if it cannot be read
	 */
	static byte[] read(Path file) throws IOException {
		return Files.readAllBytes(file);
	}

	/**
	 * @param file the file (for messages)
	 * @param content its bytes
	 * @param placeholders resolves {@code ${...}} in values (against the application's
	 * environment, as in application YAML)
	 * @return the routes, or every problem found while reading them
	 */
	static Parsed parse(Path file, byte[] content, PlaceholdersResolver placeholders) {
		List<PropertySource<?>> sources;
		try {
			sources = new YamlPropertySourceLoader().load(file.toString(), new ByteArrayResource(content));
		}
		catch (IOException | RuntimeException ex) {
			return Parsed.invalid("not valid YAML: " + NestedExceptionUtils.getMostSpecificCause(ex).getMessage());
		}
		List<String> problems = new ArrayList<>();
		boolean hasRoutes = false;
		for (PropertySource<?> source : sources) {
			if (source instanceof EnumerablePropertySource<?> enumerable) {
				for (String name : enumerable.getPropertyNames()) {
					if (name.equals(RouteDefinitionChecker.ROUTES_KEY)
							|| name.startsWith(RouteDefinitionChecker.ROUTES_KEY + "[")) {
						hasRoutes = true;
					}
					else {
						problems
							.add(name + ": not a route; a routes file holds only " + RouteDefinitionChecker.ROUTES_KEY
									+ " (other settings belong in the application " + "configuration)");
					}
				}
			}
		}
		if (!hasRoutes) {
			problems.add(RouteDefinitionChecker.ROUTES_KEY + ": missing (to serve no routes from this file, write "
					+ "'routes: []')");
		}
		if (!problems.isEmpty()) {
			return new Parsed(List.of(), problems);
		}
		// route by route, so one route that does not bind (a malformed predicate or
		// filter
		// string, say) does not hide the problems of the others
		RouteBinding bound = RouteBinding.of(ConfigurationPropertySources.from(sources), placeholders);
		return bound.problems().isEmpty() ? new Parsed(bound.routes(), List.of())
				: new Parsed(List.of(), bound.problems());
	}

	/**
	 * @return the problem of a file that cannot be read
	 */
	static String unreadable(IOException ex) {
		return (ex instanceof NoSuchFileException) ? "no such file" : "cannot be read: " + ex.getMessage();
	}

	/**
	 * @param routes the routes (empty when invalid)
	 * @param problems what is wrong, each starting with its key; empty when the file was
	 * read
	 */
	record Parsed(List<RouteDefinition> routes, List<String> problems) {

		static Parsed invalid(String problem) {
			return new Parsed(List.of(), List.of(problem));
		}

	}

}
