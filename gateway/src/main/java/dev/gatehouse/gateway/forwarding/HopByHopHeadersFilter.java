package dev.gatehouse.gateway.forwarding;

import org.springframework.cloud.gateway.filter.headers.RemoveHopByHopHeadersFilter;

/**
 * Spring Cloud Gateway's hop-by-hop header removal, bound to the same properties
 * ({@code spring.cloud.gateway.server.webflux.filter.remove-hop-by-hop.*}), for responses
 * only. On requests {@link IdentityHeadersFilter} removes the same headers (this filter's
 * configured set and whatever the client names in {@code Connection}) in the one copy of
 * the request headers it makes anyway, instead of a copy of its own per request.
 */
final class HopByHopHeadersFilter extends RemoveHopByHopHeadersFilter {

	@Override
	public boolean supports(Type type) {
		return type == Type.RESPONSE;
	}

}
