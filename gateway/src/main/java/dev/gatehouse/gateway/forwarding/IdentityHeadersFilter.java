package dev.gatehouse.gateway.forwarding;

import java.net.InetSocketAddress;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.springframework.cloud.gateway.filter.headers.HttpHeadersFilter;
import org.springframework.cloud.gateway.support.ServerWebExchangeUtils;
import org.springframework.core.Ordered;
import org.springframework.http.HttpHeaders;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.web.server.ServerWebExchange;

import dev.gatehouse.gateway.security.VerifiedToken;

/**
 * Decides the identity and forwarding headers the backend receives. It is the
 * <em>last</em> request {@link HttpHeadersFilter}, so the backend receives exactly what
 * the gateway computed whatever the client sent:
 * <ul>
 * <li>hop-by-hop headers are removed: Spring Cloud Gateway's configured set
 * ({@code spring.cloud.gateway.server.webflux.filter.remove-hop-by-hop.headers}) and
 * every header the client names in {@code Connection};</li>
 * <li>every {@code X-Auth-*} header is removed (any casing, any number of copies), then
 * {@code X-Auth-Subject}, {@code X-Auth-Issuer}, {@code X-Auth-Roles} (comma-separated),
 * {@code X-Auth-Scopes} (space-separated) and {@code X-Auth-Client-Id} are set for an
 * authenticated request (a {@code sub} is only unique together with its
 * {@code iss});</li>
 * <li>a route's claim {@code headers} (e.g. {@code X-Tenant}) are removed in every casing
 * and copy, then set to the token's claim values the policy filter checked;</li>
 * <li>{@code Authorization} is removed unless the route says {@code forward-token: true},
 * in which case the client's header is passed on unchanged;</li>
 * <li>{@code X-Request-Id} is the gateway's request id;</li>
 * <li>{@code X-Forwarded-For/Proto/Host} are computed: values sent by the socket peer are
 * only kept (and appended to) when the peer matches {@code trusted-proxies}; the standard
 * {@code Forwarded} header and {@code X-Forwarded-Port} are removed;
 * {@code X-Forwarded-Prefix} says what a route filter stripped from the path.</li>
 * <li>a gRPC call ({@code Content-Type: application/grpc...}) gets {@code te: trailers}
 * (RFC 9113 section 8.2.2), as Spring Cloud Gateway's own gRPC header filter would add;
 * that filter and its two {@code Forwarded}/{@code X-Forwarded-*} removers are left out
 * ({@link RedundantHeaderFilters}): this filter does their work in its one copy of the
 * headers.</li>
 * </ul>
 */
final class IdentityHeadersFilter implements HttpHeadersFilter, Ordered {

	/** Forwarded to the backend: the token's {@code sub}. */
	public static final String SUBJECT = "X-Auth-Subject";

	/** Forwarded to the backend: the token's {@code iss}, which qualifies the subject. */
	public static final String ISSUER = "X-Auth-Issuer";

	/** Forwarded to the backend: the token's roles, comma-separated. */
	public static final String ROLES = "X-Auth-Roles";

	/** Forwarded to the backend: the token's scopes, space-separated. */
	public static final String SCOPES = "X-Auth-Scopes";

	/** Forwarded to the backend: the token's {@code client_id}. */
	public static final String CLIENT_ID = "X-Auth-Client-Id";

	static final String X_FORWARDED_FOR = "X-Forwarded-For";

	static final String X_FORWARDED_PROTO = "X-Forwarded-Proto";

	static final String X_FORWARDED_HOST = "X-Forwarded-Host";

	static final String X_FORWARDED_PREFIX = "X-Forwarded-Prefix";

	private static final String AUTH_PREFIX = "x-auth-";

	private static final String GRPC = "application/grpc";

	private static final String TE = "te";

	private static final String TRAILERS = "trailers";

	private static final List<String> REMOVED = List.of(HttpHeaders.AUTHORIZATION, RequestIdWebFilter.HEADER,
			X_FORWARDED_FOR, X_FORWARDED_PROTO, X_FORWARDED_HOST, "X-Forwarded-Port", X_FORWARDED_PREFIX, "Forwarded");

	private final ClientAddressResolver clientAddresses;

	private final HopByHopHeadersFilter hopByHop;

	/**
	 * @param clientAddresses decides whose forwarded headers are believed
	 * @param hopByHop the configured hop-by-hop headers (read per request: they are bound
	 * properties)
	 */
	IdentityHeadersFilter(ClientAddressResolver clientAddresses, HopByHopHeadersFilter hopByHop) {
		this.clientAddresses = clientAddresses;
		this.hopByHop = hopByHop;
	}

	/**
	 * @param clientAddresses decides whose forwarded headers are believed
	 */
	IdentityHeadersFilter(ClientAddressResolver clientAddresses) {
		this(clientAddresses, new HopByHopHeadersFilter());
	}

	@Override
	public int getOrder() {
		// last of the request header filters: the backend receives what it computed
		return Ordered.LOWEST_PRECEDENCE;
	}

	@Override
	public HttpHeaders filter(HttpHeaders input, ServerWebExchange exchange) {
		HttpHeaders out = new ForwardedHeaders();
		String[] claimHeaders = exchange.getAttribute(ForwardingAttributes.CLAIM_HEADERS);
		List<String> connectionOptions = input.getConnection();
		// The input's own map, not headerSet(), which first builds a de-duplicated
		// copy of every name. A name the client sent in two casings comes twice here,
		// each time with all its values (the lookup ignores case): put, not add.
		for (Map.Entry<String, List<String>> header : input.asMultiValueMap().entrySet()) {
			String name = header.getKey();
			if (!name.regionMatches(true, 0, AUTH_PREFIX, 0, AUTH_PREFIX.length()) && !isRemoved(name)
					&& !isClaimHeader(name, claimHeaders) && !this.hopByHop.isHopByHop(name, connectionOptions)) {
				out.put(name, header.getValue());
			}
		}
		if (claimHeaders != null) {
			for (int i = 0; i < claimHeaders.length; i += 2) {
				if (claimHeaders[i + 1] != null) {
					out.set(claimHeaders[i], claimHeaders[i + 1]);
				}
			}
		}
		ServerHttpRequest request = exchange.getRequest();
		VerifiedToken identity = exchange.getAttribute(ForwardingAttributes.IDENTITY);
		if (identity != null) {
			out.set(SUBJECT, identity.subject());
			out.set(ISSUER, identity.issuer());
			// joined once per verified token, not per request
			out.set(ROLES, identity.rolesHeader());
			out.set(SCOPES, identity.scopesHeader());
			if (identity.clientId() != null) {
				out.set(CLIENT_ID, identity.clientId());
			}
		}
		if (Boolean.TRUE.equals(exchange.getAttribute(ForwardingAttributes.FORWARD_TOKEN))) {
			List<String> authorization = request.getHeaders().get(HttpHeaders.AUTHORIZATION);
			if (authorization != null) {
				out.put(HttpHeaders.AUTHORIZATION, authorization);
			}
		}
		String requestId = RequestIdWebFilter.requestId(exchange);
		if (requestId != null) {
			out.set(RequestIdWebFilter.HEADER, requestId);
		}
		// asked once per request: both forwarded-header decisions hang on it
		boolean trusted = this.clientAddresses.trustsPeerOf(request);
		writeForwarded(out, request, trusted);
		writePrefix(out, exchange, trusted);
		if (isGrpc(input.getFirst(HttpHeaders.CONTENT_TYPE))) {
			out.set(TE, TRAILERS);
		}
		return out;
	}

	/**
	 * {@code X-Forwarded-Prefix}: the part of the path a route filter took off
	 * ({@code StripPrefix}, {@code
	 * RewritePath} ending in the same path), so a backend behind {@code /auth/**} builds
	 * its redirects and links under {@code /auth}. Only what this gateway removed; a
	 * client's own header was dropped above (and a trusted proxy's prefix is kept in
	 * front of ours).
	 */
	private void writePrefix(HttpHeaders out, ServerWebExchange exchange, boolean trusted) {
		Set<URI> originals = exchange.getAttribute(ServerWebExchangeUtils.GATEWAY_ORIGINAL_REQUEST_URL_ATTR);
		URI routed = exchange.getAttribute(ServerWebExchangeUtils.GATEWAY_REQUEST_URL_ATTR);
		if (originals == null || originals.isEmpty() || routed == null) {
			return;
		}
		String original = withoutTrailingSlash(originals.iterator().next().getRawPath());
		String forwarded = withoutTrailingSlash(routed.getRawPath());
		if (original.length() <= forwarded.length() || !original.endsWith(forwarded)) {
			return;
		}
		String prefix = original.substring(0, original.length() - forwarded.length());
		String outer = trusted ? exchange.getRequest().getHeaders().getFirst(X_FORWARDED_PREFIX) : null;
		out.set(X_FORWARDED_PREFIX, (outer != null) ? withoutTrailingSlash(outer) + prefix : prefix);
	}

	private static String withoutTrailingSlash(String path) {
		return (path != null && path.endsWith("/")) ? path.substring(0, path.length() - 1) : (path != null) ? path : "";
	}

	private void writeForwarded(HttpHeaders out, ServerHttpRequest request, boolean trustedPeer) {
		InetSocketAddress remote = request.getRemoteAddress();
		String peer = (remote != null && remote.getAddress() != null) ? remote.getAddress().getHostAddress() : null;
		boolean trusted = peer != null && trustedPeer;
		HttpHeaders client = request.getHeaders();
		String forwardedFor = trusted ? joined(client.get(X_FORWARDED_FOR)) : null;
		if (peer != null) {
			forwardedFor = (forwardedFor == null) ? peer : forwardedFor + ", " + peer;
		}
		if (forwardedFor != null) {
			out.set(X_FORWARDED_FOR, forwardedFor);
		}
		String proto = trusted ? client.getFirst(X_FORWARDED_PROTO) : null;
		out.set(X_FORWARDED_PROTO, (proto != null) ? proto : request.getURI().getScheme());
		String host = trusted ? client.getFirst(X_FORWARDED_HOST) : null;
		if (host == null) {
			host = client.getFirst(HttpHeaders.HOST);
		}
		if (host == null && request.getURI().getHost() != null) {
			host = request.getURI().getRawAuthority();
		}
		if (host != null) {
			out.set(X_FORWARDED_HOST, host);
		}
	}

	private static String joined(List<String> values) {
		return (values == null || values.isEmpty()) ? null : String.join(", ", values);
	}

	private static boolean isGrpc(String contentType) {
		return contentType != null && contentType.regionMatches(true, 0, GRPC, 0, GRPC.length());
	}

	private static boolean isClaimHeader(String name, String[] claimHeaders) {
		if (claimHeaders != null) {
			for (int i = 0; i < claimHeaders.length; i += 2) {
				if (claimHeaders[i].equalsIgnoreCase(name)) {
					return true;
				}
			}
		}
		return false;
	}

	private static boolean isRemoved(String name) {
		for (String removed : REMOVED) {
			if (removed.equalsIgnoreCase(name)) {
				return true;
			}
		}
		return false;
	}

}
