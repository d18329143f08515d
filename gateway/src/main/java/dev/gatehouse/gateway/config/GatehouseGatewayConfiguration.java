package dev.gatehouse.gateway.config;

import java.time.Clock;
import java.util.List;

import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.reactor.netty.NettyReactiveWebServerFactory;
import org.springframework.boot.reactor.netty.NettyServerCustomizer;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;
import org.springframework.web.server.adapter.ForwardedHeaderTransformer;

import dev.gatehouse.gateway.forwarding.ClientAddressResolver;
import dev.gatehouse.gateway.problem.GatewayExceptionHandler;
import dev.gatehouse.gateway.problem.ProblemResponseWriter;

/**
 * Wires what belongs to no single feature: the settings, the clock, the forwarding
 * headers and trusted proxies, the web server's request-head timeout, and the
 * problem+json errors. Each feature package wires itself ({@code *Configuration} there).
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(GatehouseProperties.class)
class GatehouseGatewayConfiguration {

	@Bean
	@ConditionalOnMissingBean
	Clock clock() {
		return Clock.systemUTC();
	}

	/**
	 * The one place that decides whose {@code X-Forwarded-*} is believed. Spring Boot's
	 * own forwarded-header handling stays off
	 * ({@code server.forward-headers-strategy: none} in application.yml, and
	 * {@link ForwardedHeadersOff}): on a platform it detects it would otherwise let
	 * Reactor Netty take the client's {@code X-Forwarded-For} as the remote address.
	 */
	@Bean
	ClientAddressResolver clientAddressResolver(GatehouseProperties properties, Environment environment,
			ObjectProvider<ForwardedHeaderTransformer> forwardedHeaderTransformer) {
		// unset is fine too: ForwardedHeadersOff keeps Reactor Netty's handling off; a
		// value asking for any must not
		// look as if it were honoured
		String strategy = environment.getProperty("server.forward-headers-strategy", "");
		boolean none = strategy.isBlank() || "none".equalsIgnoreCase(strategy.trim());
		if (!none || forwardedHeaderTransformer.getIfAvailable() != null) {
			throw new InvalidGatewayConfigurationException(
					List.of("server.forward-headers-strategy: must be 'none', was '" + strategy
							+ "' (the gateway alone decides whose X-Forwarded-* to believe: set "
							+ ClientAddressResolver.PROPERTY + " instead)"));
		}
		return ClientAddressResolver.of(properties.trustedProxies());
	}

	/**
	 * Runs after Spring Boot's own Netty customizer: whatever the platform or properties,
	 * Reactor Netty never derives the remote address, scheme or host from
	 * {@code X-Forwarded-*} / {@code Forwarded}.
	 */
	@Bean
	WebServerFactoryCustomizer<NettyReactiveWebServerFactory> gatehouseForwardedHeadersOff() {
		return new ForwardedHeadersOff();
	}

	/**
	 * See {@link RequestHeadTimeout}; {@code server.netty.idle-timeout} bounds keep-alive
	 * connections.
	 */
	@Bean
	NettyServerCustomizer gatehouseRequestHeadTimeout(GatehouseProperties properties) {
		// the web server is built before the other beans: binding the properties here
		// reports configuration mistakes already
		return new RequestHeadTimeout(properties.requestHeadTimeout());
	}

	@Bean
	GatewayExceptionHandler gatewayExceptionHandler(ObjectProvider<CircuitBreakerRegistry> circuitBreakers) {
		return new GatewayExceptionHandler(new ProblemResponseWriter(), new CircuitBreakerWait(circuitBreakers));
	}

}
