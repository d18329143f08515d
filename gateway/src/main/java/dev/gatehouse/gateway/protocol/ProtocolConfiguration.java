package dev.gatehouse.gateway.protocol;

import java.util.ArrayList;
import java.util.List;

import reactor.netty.http.client.HttpClient;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.cloud.gateway.config.GatewayProperties;
import org.springframework.cloud.gateway.config.HttpClientProperties;
import org.springframework.cloud.gateway.filter.NettyRoutingFilter;
import org.springframework.cloud.gateway.filter.NettyWriteResponseFilter;
import org.springframework.cloud.gateway.filter.RouteToRequestUrlFilter;
import org.springframework.cloud.gateway.filter.headers.HttpHeadersFilter;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;
import org.springframework.util.StringUtils;

import dev.gatehouse.gateway.config.InvalidGatewayConfigurationException;

/**
 * Wires what the public port speaks beyond plain HTTP/1.1: TLS held to the gateway's
 * floor, HSTS, the HTTPS redirect listener, request-size limits, and the backend call
 * with its timeouts (streaming routes without response timeout).
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(ProtocolProperties.class)
public class ProtocolConfiguration {

	static final String REDIRECT_PORT = "gatehouse.gateway.http-redirect-port";

	static final String STOCK_ROUTING = "spring.cloud.gateway.server.webflux.global-filter.netty-routing.enabled";

	static final String STOCK_REQUEST_URL = "spring.cloud.gateway.server.webflux.global-filter.route-to-request-url.enabled";

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

	/**
	 * Spring Cloud Gateway's routing filter with per-route clients
	 * ({@link RouteClientRoutingFilter}); its own, and the response writer that goes with
	 * it, are off in {@code application.yml}
	 * ({@code spring.cloud.gateway.server.webflux.global-filter.netty-routing.enabled}).
	 */
	@Bean
	NettyRoutingFilter gatehouseRoutingFilter(HttpClient httpClient,
			ObjectProvider<List<HttpHeadersFilter>> headersFilters, HttpClientProperties properties,
			RouteProtocolSettings settings, Environment environment) {
		validateRouting(environment);
		return new RouteClientRoutingFilter(httpClient, headersFilters, properties, settings);
	}

	/**
	 * Spring Cloud Gateway's backend-URL filter without its per-request parsing for the
	 * usual request ({@link RouteRequestUrlFilter}); present only while Spring Cloud
	 * Gateway's own is switched off ({@code application.yml}), so exactly one of the two
	 * runs.
	 */
	@Bean
	@ConditionalOnProperty(name = STOCK_REQUEST_URL, havingValue = "false")
	RouteToRequestUrlFilter gatehouseRouteToRequestUrlFilter() {
		return new RouteRequestUrlFilter();
	}

	@Bean
	NettyWriteResponseFilter gatehouseNettyWriteResponseFilter(GatewayProperties properties,
			ObjectProvider<List<HttpHeadersFilter>> headersFilters) {
		return new NettyWriteResponseFilter(properties.getStreamingMediaTypes(), headersFilters);
	}

	@Bean
	@ConditionalOnProperty(REDIRECT_PORT)
	HttpsRedirectListener httpsRedirectListener(ProtocolProperties properties, Environment environment) {
		validate(properties, environment);
		return new HttpsRedirectListener(environment.getProperty("server.address"), properties.httpRedirectPort());
	}

	/**
	 * Spring Cloud Gateway's own routing filter next to Gatehouse's would route (and
	 * write the response) twice.
	 */
	static void validateRouting(Environment environment) {
		if (environment.getProperty(STOCK_ROUTING, Boolean.class, true)) {
			throw new InvalidGatewayConfigurationException(List.of(STOCK_ROUTING
					+ ": must stay false; Gatehouse routes with its own filter (streaming routes, response timeouts)"));
		}
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
