package dev.gatehouse.gateway.forwarding;

import java.util.Set;

import org.springframework.cloud.gateway.filter.headers.RemoveHopByHopHeadersFilter;

/**
 * Spring Cloud Gateway's hop-by-hop header removal, bound to the same properties
 * ({@code spring.cloud.gateway.server.webflux.filter.remove-hop-by-hop.*}), for responses
 * only. On requests {@link IdentityHeadersFilter} removes the same headers (this filter's
 * configured set and whatever the client names in {@code Connection}) in the one copy of
 * the request headers it makes anyway, instead of a copy of its own per request.
 */
final class HopByHopHeadersFilter extends RemoveHopByHopHeadersFilter {

	/** The configured set as an array, made when it is bound, scanned per header. */
	private volatile String[] names = getHeaders().toArray(String[]::new);

	@Override
	public void setHeaders(Set<String> headers) {
		super.setHeaders(headers);
		this.names = getHeaders().toArray(String[]::new);
	}

	@Override
	public boolean supports(Type type) {
		return type == Type.RESPONSE;
	}

	/**
	 * @param name a request header name, in any casing
	 * @return whether it is one of the configured hop-by-hop headers
	 */
	boolean isHopByHop(String name) {
		for (String hopByHop : this.names) {
			if (hopByHop.equalsIgnoreCase(name)) {
				return true;
			}
		}
		return false;
	}

}
