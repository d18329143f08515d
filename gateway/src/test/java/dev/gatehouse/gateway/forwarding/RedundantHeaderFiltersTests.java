package dev.gatehouse.gateway.forwarding;

import org.junit.jupiter.api.Test;

import org.springframework.cloud.gateway.filter.headers.GRPCRequestHeadersFilter;
import org.springframework.cloud.gateway.filter.headers.RemoveForwardedHeadersFilter;
import org.springframework.cloud.gateway.filter.headers.RemoveHopByHopHeadersFilter;
import org.springframework.cloud.gateway.filter.headers.RemoveXForwardedHeadersFilter;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.AnnotationConfigApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;

class RedundantHeaderFiltersTests {

	@Test
	void leavesOutTheRequestHeaderFiltersWhoseWorkIdentityHeadersFilterDoes() {
		try (AnnotationConfigApplicationContext context = new AnnotationConfigApplicationContext()) {
			context.register(LikeSpringCloudGateway.class, LikeForwardingConfiguration.class);
			context.refresh();
			assertThat(context.getBeanNamesForType(RemoveForwardedHeadersFilter.class)).isEmpty();
			assertThat(context.getBeanNamesForType(RemoveXForwardedHeadersFilter.class)).isEmpty();
			assertThat(context.getBeanNamesForType(GRPCRequestHeadersFilter.class)).isEmpty();
			// Spring Cloud Gateway's hop-by-hop filter is replaced by the responses-only
			// one
			assertThat(context.getBeanNamesForType(RemoveHopByHopHeadersFilter.class))
				.containsExactly("hopByHopHeadersFilter");
		}
	}

	/** Declared as {@link ForwardingConfiguration} declares it. */
	@Configuration(proxyBeanMethods = false)
	static class LikeForwardingConfiguration {

		@Bean
		static RedundantHeaderFilters redundantHeaderFilters() {
			return new RedundantHeaderFilters();
		}

		@Bean
		HopByHopHeadersFilter hopByHopHeadersFilter() {
			return new HopByHopHeadersFilter();
		}

	}

	/** Declared as Spring Cloud Gateway's auto-configuration declares them. */
	@Configuration(proxyBeanMethods = false)
	static class LikeSpringCloudGateway {

		@Bean
		RemoveForwardedHeadersFilter removeForwardedHeadersFilter() {
			return new RemoveForwardedHeadersFilter();
		}

		@Bean
		RemoveXForwardedHeadersFilter removeXForwardedHeadersFilter() {
			return new RemoveXForwardedHeadersFilter();
		}

		@Bean
		GRPCRequestHeadersFilter gRPCRequestHeadersFilter() {
			return new GRPCRequestHeadersFilter();
		}

		@Bean
		RemoveHopByHopHeadersFilter removeHopByHopHeadersFilter() {
			return new RemoveHopByHopHeadersFilter();
		}

	}

}
