package dev.gatehouse.gateway.protocol;

import java.util.ArrayList;
import java.util.List;

import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;
import org.springframework.util.StringUtils;

import dev.gatehouse.gateway.config.InvalidGatewayConfigurationException;

/**
 * Wires what the public port speaks beyond plain HTTP/1.1: TLS held to the gateway's
 * floor, HSTS, the HTTPS redirect listener, request-size limits and streaming routes.
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(ProtocolProperties.class)
public class ProtocolConfiguration {

	static final String REDIRECT_PORT = "gatehouse.gateway.http-redirect-port";

	@Bean
	static TlsBundlePolicy gatehouseTlsBundlePolicy() {
		return new TlsBundlePolicy();
	}

	@Bean
	StrictTransportSecurityFilter strictTransportSecurityFilter() {
		return new StrictTransportSecurityFilter();
	}

	@Bean
	RouteProtocolSettings routeProtocolSettings(ProtocolProperties properties, Environment environment) {
		validate(properties, environment);
		return new RouteProtocolSettings(properties.maxRequestSize());
	}

	@Bean
	RequestSizeFilter requestSizeFilter(RouteProtocolSettings settings) {
		return new RequestSizeFilter(settings);
	}

	@Bean
	StreamingRouteFilter streamingRouteFilter(RouteProtocolSettings settings) {
		return new StreamingRouteFilter(settings);
	}

	@Bean
	@ConditionalOnProperty(REDIRECT_PORT)
	HttpsRedirectListener httpsRedirectListener(ProtocolProperties properties, Environment environment) {
		validate(properties, environment);
		return new HttpsRedirectListener(environment.getProperty("server.address"), properties.httpRedirectPort());
	}

	static void validate(ProtocolProperties properties, Environment environment) {
		List<String> problems = new ArrayList<>();
		Integer port = properties.httpRedirectPort();
		if (port != null) {
			boolean tls = StringUtils.hasText(environment.getProperty("server.ssl.bundle"))
					&& environment.getProperty("server.ssl.enabled", Boolean.class, true);
			// the port's range is a constraint of ProtocolProperties
			if (!tls) {
				problems.add(REDIRECT_PORT + ": redirects to HTTPS, so the public port needs TLS (server.ssl.bundle)");
			}
		}
		if (!problems.isEmpty()) {
			throw new InvalidGatewayConfigurationException(problems);
		}
	}

}
