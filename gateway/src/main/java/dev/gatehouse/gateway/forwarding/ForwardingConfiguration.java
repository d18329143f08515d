package dev.gatehouse.gateway.forwarding;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The request id, and the headers the backend receives: identity and
 * {@code X-Forwarded-*} (as the {@link ClientAddressResolver} the application configures
 * decides), {@code Content-Length: 0} for bodyless requests.
 */
@Configuration(proxyBeanMethods = false)
class ForwardingConfiguration {

	@Bean
	IdentityHeadersFilter identityHeadersFilter(ClientAddressResolver clientAddresses, HopByHopHeadersFilter hopByHop) {
		return new IdentityHeadersFilter(clientAddresses, hopByHop);
	}

	@Bean
	@ConfigurationProperties("spring.cloud.gateway.server.webflux.filter.remove-hop-by-hop")
	HopByHopHeadersFilter hopByHopHeadersFilter() {
		return new HopByHopHeadersFilter();
	}

	@Bean
	static RedundantHeaderFilters redundantHeaderFilters() {
		return new RedundantHeaderFilters();
	}

	@Bean
	RequestIdWebFilter requestIdWebFilter() {
		return new RequestIdWebFilter();
	}

	@Bean
	BodylessRequestHeadersFilter bodylessRequestHeadersFilter() {
		return new BodylessRequestHeadersFilter();
	}

}
