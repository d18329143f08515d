package dev.gatehouse.gateway.routes;

import java.util.ArrayList;
import java.util.List;
import java.util.SortedSet;
import java.util.TreeSet;

import org.springframework.boot.context.properties.bind.BindException;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.bind.PlaceholdersResolver;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName;
import org.springframework.boot.context.properties.source.ConfigurationPropertySource;
import org.springframework.boot.context.properties.source.IterableConfigurationPropertySource;
import org.springframework.boot.convert.ApplicationConversionService;
import org.springframework.cloud.gateway.route.RouteDefinition;
import org.springframework.core.NestedExceptionUtils;

/**
 * Binds {@code spring.cloud.gateway.server.webflux.routes} route by route, as Spring Boot
 * binds each of them, so a route that does not bind (a malformed predicate or filter
 * string, say) is reported next to every other one instead of hiding them: Spring Boot's
 * binding of the whole list stops at the first.
 *
 * @param routes the routes that bound, in index order
 * @param problems one per route that did not, naming its key
 */
public record RouteBinding(List<RouteDefinition> routes, List<String> problems) {

	private static final ConfigurationPropertyName ROUTES = ConfigurationPropertyName
		.of(RouteDefinitionChecker.ROUTES_KEY);

	public RouteBinding {
		routes = List.copyOf(routes);
		problems = List.copyOf(problems);
	}

	/**
	 * @param sources where the routes are (a routes file, or an application's
	 * environment)
	 * @param placeholders resolves {@code ${...}} in values
	 * @return the routes and the problems of those that did not bind
	 */
	public static RouteBinding of(Iterable<ConfigurationPropertySource> sources, PlaceholdersResolver placeholders) {
		SortedSet<Integer> indexes = new TreeSet<>();
		int element = ROUTES.getNumberOfElements();
		for (ConfigurationPropertySource source : sources) {
			if (source instanceof IterableConfigurationPropertySource iterable) {
				iterable.stream()
					.filter((name) -> ROUTES.isAncestorOf(name) && name.isNumericIndex(element))
					.forEach((name) -> indexes
						.add(Integer.valueOf(name.getElement(element, ConfigurationPropertyName.Form.UNIFORM))));
			}
		}
		Binder binder = new Binder(sources, placeholders, ApplicationConversionService.getSharedInstance(), null);
		List<RouteDefinition> routes = new ArrayList<>();
		List<String> problems = new ArrayList<>();
		for (int index : indexes) {
			try {
				binder.bind(RouteDefinitionChecker.ROUTES_KEY + "[" + index + "]", Bindable.of(RouteDefinition.class))
					.ifBound(routes::add);
			}
			catch (BindException ex) {
				problems.add(describe(ex));
			}
		}
		return new RouteBinding(routes, problems);
	}

	/**
	 * @param ex a binding failure
	 * @return it as a problem naming the key
	 */
	public static String describe(BindException ex) {
		String name = String.valueOf((ex.getProperty() != null) ? ex.getProperty().getName() : ex.getName());
		return name + ": " + NestedExceptionUtils.getMostSpecificCause(ex).getMessage();
	}

}
