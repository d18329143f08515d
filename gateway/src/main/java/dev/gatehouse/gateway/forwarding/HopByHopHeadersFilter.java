package dev.gatehouse.gateway.forwarding;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import org.springframework.cloud.gateway.filter.headers.RemoveHopByHopHeadersFilter;
import org.springframework.http.HttpHeaders;
import org.springframework.web.server.ServerWebExchange;

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

	/**
	 * Removes the hop-by-hop headers, and hands the response headers on as
	 * {@link ForwardedHeaders}: Spring Cloud Gateway then asks for their names and copies
	 * them into the response, each of which builds a de-duplicated set of names first
	 * from ordinary {@link HttpHeaders} (about 3 % of a request's CPU on one core,
	 * {@code bench/gateway.sh}).
	 */
	@Override
	public HttpHeaders filter(HttpHeaders input, ServerWebExchange exchange) {
		List<String> connectionOptions = input.getConnection();
		List<String> hopByHop = null;
		for (String name : input.asMultiValueMap().keySet()) {
			if (isHopByHop(name, connectionOptions)) {
				if (hopByHop == null) {
					hopByHop = new ArrayList<>(2);
				}
				hopByHop.add(name);
			}
		}
		if (hopByHop != null) {
			try {
				for (String name : hopByHop) {
					input.remove(name);
				}
			}
			catch (UnsupportedOperationException readOnly) {
				return super.filter(input, exchange);
			}
		}
		return ForwardedHeaders.viewOf(input);
	}

	@Override
	public boolean supports(Type type) {
		return type == Type.RESPONSE;
	}

	/**
	 * A configured hop-by-hop header, or one the message names in {@code Connection} (RFC
	 * 9110 section 7.6.1), as Spring Cloud Gateway's own filter decides.
	 * @param name a header name, in any casing
	 * @param connectionOptions the message's {@code Connection} values
	 * @return whether the header is hop-by-hop
	 */
	boolean isHopByHop(String name, List<String> connectionOptions) {
		for (String hopByHop : this.names) {
			if (hopByHop.equalsIgnoreCase(name)) {
				return true;
			}
		}
		for (String option : connectionOptions) {
			if (option.equalsIgnoreCase(name)) {
				return true;
			}
		}
		return false;
	}

}
