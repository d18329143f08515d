package dev.gatehouse.gateway.ops;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.actuate.autoconfigure.endpoint.web.WebEndpointProperties;
import org.springframework.boot.actuate.autoconfigure.web.ManagementContextConfiguration;
import org.springframework.boot.actuate.autoconfigure.web.ManagementContextType;
import org.springframework.cloud.gateway.filter.headers.HttpHeadersFilter;
import org.springframework.cloud.gateway.route.RouteLocator;
import org.springframework.context.annotation.Bean;
import org.springframework.web.reactive.function.server.RequestPredicates;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.RouterFunctions;
import org.springframework.web.reactive.function.server.ServerResponse;

import dev.gatehouse.gateway.policy.RoutePolicies;
import dev.gatehouse.gateway.problem.GatewayExceptionHandler;
import dev.gatehouse.gateway.ratelimit.RateLimitFilter;
import dev.gatehouse.gateway.routes.RoutesReload;
import dev.gatehouse.gateway.security.TokenRevocationCheck;
import dev.gatehouse.gateway.security.TokenVerifier;
import dev.gatehouse.gateway.security.dpop.DpopEnforcement;

/**
 * {@code GET <management base path>/gatehouse/explain}, in the management server's own
 * context: it exists on the management port only (and not at all when management shares
 * the public port), never on the port that serves traffic. It needs the request's
 * {@code Authorization} header, which an actuator {@code @Endpoint} operation cannot
 * read, hence a router function beside the actuator endpoints.
 */
@ManagementContextConfiguration(value = ManagementContextType.CHILD, proxyBeanMethods = false)
class ExplainManagementConfiguration {

	@Bean
	RouterFunction<ServerResponse> gatehouseExplain(WebEndpointProperties endpoints, RouteLocator routes,
			RoutePolicies policies, TokenVerifier verifier, ObjectProvider<TokenRevocationCheck> revocation,
			RateLimitFilter limiter, ObjectProvider<HttpHeadersFilter> headers, GatewayExceptionHandler problems,
			RoutesReload reload, ObjectProvider<DpopEnforcement> dpop) {
		ExplainHandler handler = new ExplainHandler(routes, policies, verifier,
				revocation.getIfAvailable(() -> TokenRevocationCheck.NONE), limiter, headers.orderedStream().toList(),
				problems, reload, dpop.getIfAvailable(DpopEnforcement::disabled));
		String path = endpoints.getBasePath() + "/gatehouse/explain";
		return RouterFunctions.route(RequestPredicates.GET(path), handler::explain);
	}

}
