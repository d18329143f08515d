package dev.gatehouse.gateway.ops;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

import org.springframework.boot.Banner;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.context.properties.bind.BindException;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.bind.PropertySourcesPlaceholdersResolver;
import org.springframework.boot.context.properties.bind.validation.BindValidationException;
import org.springframework.boot.context.properties.bind.validation.ValidationBindHandler;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.boot.web.context.reactive.AnnotationConfigReactiveWebApplicationContext;
import org.springframework.cloud.gateway.filter.factory.GatewayFilterFactory;
import org.springframework.cloud.gateway.handler.predicate.RoutePredicateFactory;
import org.springframework.cloud.gateway.route.RouteDefinition;
import org.springframework.cloud.gateway.support.ConfigurationService;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.NestedExceptionUtils;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;
import org.springframework.validation.FieldError;
import org.springframework.validation.Validator;

import dev.gatehouse.gateway.config.GatehouseProperties;
import dev.gatehouse.gateway.config.InvalidGatewayConfigurationException;
import dev.gatehouse.gateway.policy.RoutePolicies;
import dev.gatehouse.gateway.routes.RouteBinding;
import dev.gatehouse.gateway.routes.RouteDefinitionChecker;
import dev.gatehouse.gateway.security.dpop.DpopProperties;

/**
 * {@code java -jar gateway.jar validate [--spring.config.additional-location=...]}: reads
 * the configuration exactly as the gateway would (same files, profiles and arguments),
 * checks it as start-up and a routes-file reload do, prints every problem (each naming
 * its key) and answers 0 when it is valid, 1 when not. It starts no web server (a
 * reactive application context without one, the management server off), opens no port and
 * does not start the gateway's own components (no Redis, no JWKS fetch): only Spring
 * Boot's and Spring Cloud Gateway's auto-configuration, for the predicate and filter
 * factories that routes name.
 */
public final class ValidateCommand {

	/** The first argument that selects this command. */
	public static final String NAME = "validate";

	private ValidateCommand() {
	}

	/**
	 * @param args the arguments after {@code validate}
	 * @param out where the report goes
	 * @return the exit code: 0 valid, 1 not
	 */
	public static int run(String[] args, PrintStream out) {
		SpringApplication application = new SpringApplication(ValidationContext.class);
		// a reactive web context (Spring Cloud Gateway's auto-configuration wants one) of
		// the kind that never creates a web server
		application.setWebApplicationType(WebApplicationType.REACTIVE);
		application.setApplicationContextFactory((type) -> new AnnotationConfigReactiveWebApplicationContext());
		// no management server either, whatever the configuration says; and Spring Cloud
		// Gateway's own route building must not stop the context at the first bad route
		// (the checks below report them all)
		AtomicReference<ConfigurableEnvironment> environment = new AtomicReference<>();
		application.addInitializers((context) -> {
			environment.set(context.getEnvironment());
			context.getEnvironment()
				.getPropertySources()
				.addFirst(new MapPropertySource("validate", Map.of("management.server.port", "-1",
						"spring.cloud.gateway.server.webflux.fail-on-route-definition-error", "false")));
		});
		application.setBannerMode(Banner.Mode.OFF);
		application.setLogStartupInfo(false);
		application.setDefaultProperties(
				Map.of("logging.level.root", "WARN", "logging.level.org.springframework.cloud.gateway", "OFF",
						"spring.main.register-shutdown-hook", "false"));
		List<String> problems;
		int routes = 0;
		try (ConfigurableApplicationContext context = application.run(args)) {
			problems = new ArrayList<>();
			routes = check(context, problems);
		}
		catch (RuntimeException ex) {
			problems = routeBindingProblems(ex, environment.get());
			if (problems.isEmpty()) {
				problems = List.of(describe(ex));
			}
		}
		for (String problem : problems) {
			out.println(problem);
		}
		if (problems.isEmpty()) {
			out.println("The gateway configuration is valid (" + routes + " routes).");
			return 0;
		}
		out.println(problems.size() + ((problems.size() == 1) ? " problem" : " problems")
				+ ": the gateway configuration is not valid.");
		return 1;
	}

	private static int check(ConfigurableApplicationContext context, List<String> problems) {
		GatehouseProperties properties = properties(context, problems);
		bind(context, DpopProperties.PREFIX, DpopProperties.class, problems);
		List<String> issuers = (properties != null) ? properties.issuers()
			.stream()
			.map(GatehouseProperties.Issuer::issuer)
			.filter(java.util.Objects::nonNull)
			.toList() : List.of();
		RouteDefinitionChecker checker = new RouteDefinitionChecker(
				context.getBeanProvider(RoutePredicateFactory.class).orderedStream().toList(),
				context.getBeanProvider(GatewayFilterFactory.class).orderedStream().toList(),
				context.getBean(ConfigurationService.class), new RoutePolicies(issuers));
		List<RouteDefinition> routes = context.getBean(org.springframework.cloud.gateway.config.GatewayProperties.class)
			.getRoutes();
		problems.addAll(checker.check(routes, List.of()));
		String routesFile = context.getEnvironment().getProperty(RouteDefinitionChecker.ROUTES_FILE_KEY);
		if (routesFile != null && !routesFile.isBlank()) {
			problems.addAll(checker.checkFile(Path.of(routesFile), routes.stream().map(RouteDefinition::getId).toList(),
					new PropertySourcesPlaceholdersResolver(context.getEnvironment())));
		}
		return routes.size();
	}

	/**
	 * Bound and checked as the gateway binds them; {@code null} when they do not bind.
	 */
	private static GatehouseProperties properties(ConfigurableApplicationContext context, List<String> problems) {
		return bind(context, GatehouseProperties.PREFIX, GatehouseProperties.class, problems);
	}

	/**
	 * One settings record bound and checked as the gateway binds it; {@code null} (and
	 * its problems added) when it does not bind.
	 */
	private static <T> T bind(ConfigurableApplicationContext context, String prefix, Class<T> type,
			List<String> problems) {
		Validator validator = context.getBeanProvider(Validator.class).getIfUnique();
		Binder binder = Binder.get(context.getEnvironment());
		try {
			return (validator != null)
					? binder.bindOrCreate(prefix, Bindable.of(type), new ValidationBindHandler(validator))
					: binder.bindOrCreate(prefix, type);
		}
		catch (BindException ex) {
			problems.addAll(bindProblems(ex));
			return null;
		}
	}

	private static List<String> bindProblems(BindException ex) {
		if (ex.getCause() instanceof BindValidationException validation) {
			List<String> problems = new ArrayList<>();
			validation.getValidationErrors().forEach((error) -> {
				String name = (error instanceof FieldError field)
						? validation.getValidationErrors().getName() + "." + kebabCase(field.getField())
						: validation.getValidationErrors().getName().toString();
				problems.add(name + ": " + error.getDefaultMessage());
			});
			return problems;
		}
		return List.of(describe(ex));
	}

	/**
	 * {@code rateLimit.onStoreFailure} as an operator writes it:
	 * {@code rate-limit.on-store-failure}.
	 */
	private static String kebabCase(String field) {
		return field.replaceAll("([a-z0-9])([A-Z])", "$1-$2").toLowerCase(java.util.Locale.ROOT);
	}

	/**
	 * When the application's routes do not bind, Spring Boot stops at the first route
	 * that fails; binding them one by one names every one that does.
	 */
	private static List<String> routeBindingProblems(RuntimeException ex, ConfigurableEnvironment environment) {
		for (Throwable cause = ex; cause != null && environment != null; cause = cause.getCause()) {
			if (cause instanceof BindException bind && bind.getProperty() != null
					&& bind.getProperty().getName().toString().startsWith(RouteDefinitionChecker.ROUTES_KEY)) {
				return RouteBinding
					.of(ConfigurationPropertySources.get(environment),
							new PropertySourcesPlaceholdersResolver(environment))
					.problems();
			}
		}
		return List.of();
	}

	private static String describe(Throwable ex) {
		for (Throwable cause = ex; cause != null; cause = cause.getCause()) {
			if (cause instanceof InvalidGatewayConfigurationException invalid) {
				return String.join("\n", invalid.getProblems());
			}
			if (cause instanceof BindException bind) {
				return String.valueOf((bind.getProperty() != null) ? bind.getProperty().getName() : bind.getName())
						+ ": " + NestedExceptionUtils.getMostSpecificCause(bind).getMessage();
			}
		}
		return "the configuration could not be read: " + NestedExceptionUtils.getMostSpecificCause(ex).getMessage();
	}

	/**
	 * Spring Boot's and Spring Cloud Gateway's auto-configuration only: the gateway's own
	 * components (Redis, JWKS, filters, watcher) are not component-scanned from here
	 * (and, not being a {@code @Configuration}, the gateway's own scan does not pick it
	 * up).
	 */
	@EnableAutoConfiguration
	static class ValidationContext {

	}

}
