package dev.gatehouse.gateway.forwarding;

import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.Test;

import org.springframework.cloud.gateway.support.ServerWebExchangeUtils;
import org.springframework.http.HttpHeaders;
import org.springframework.mock.http.server.reactive.MockServerHttpRequest;
import org.springframework.mock.web.server.MockServerWebExchange;

import dev.gatehouse.gateway.security.VerifiedToken;

import static org.assertj.core.api.Assertions.assertThat;

class IdentityHeadersFilterTests {

	private static final ClientAddressResolver NOBODY = ClientAddressResolver.of(List.of());

	private static final ClientAddressResolver PROXY_NETWORK = ClientAddressResolver.of(List.of("10.0.0.0/24"));

	private static final VerifiedToken ALICE = new VerifiedToken("iss", "alice", List.of("user", "admin"),
			List.of("items:read", "items:write"), "web", "jti", "sid", Instant.now().plusSeconds(60));

	private static MockServerWebExchange exchange(String peer, MockServerHttpRequest.BaseBuilder<?> request) {
		return MockServerWebExchange.from(request.remoteAddress(new InetSocketAddress(peer, 40000)));
	}

	@Test
	void replacesEveryClientAuthHeaderWithTheComputedIdentity() {
		MockServerWebExchange exchange = exchange("198.51.100.1",
				MockServerHttpRequest.get("http://gw.test/api")
					.header("X-Auth-Subject", "mallory")
					.header("x-auth-subject", "mallory2")
					.header("X-AUTH-ROLES", "admin")
					.header("X-Auth-Issuer", "https://partner.example")
					.header("X-Auth-Other", "x")
					.header(HttpHeaders.AUTHORIZATION, "Bearer a.b.c"));
		exchange.getAttributes().put(ForwardingAttributes.IDENTITY, ALICE);
		exchange.getAttributes().put(RequestIdWebFilter.ATTRIBUTE, "rid-1");
		HttpHeaders out = new IdentityHeadersFilter(NOBODY).filter(exchange.getRequest().getHeaders(), exchange);
		assertThat(out.get("X-Auth-Subject")).containsExactly("alice");
		assertThat(out.get("X-Auth-Issuer")).containsExactly("iss");
		assertThat(out.get("X-Auth-Roles")).containsExactly("user,admin");
		assertThat(out.get("X-Auth-Scopes")).containsExactly("items:read items:write");
		assertThat(out.get("X-Auth-Client-Id")).containsExactly("web");
		assertThat(out.containsHeader("X-Auth-Other")).isFalse();
		assertThat(out.containsHeader(HttpHeaders.AUTHORIZATION)).isFalse();
		assertThat(out.get("X-Request-Id")).containsExactly("rid-1");
	}

	@Test
	void aGrpcCallGetsTeTrailersAndAClientsForwardedHeadersAreDropped() {
		MockServerWebExchange exchange = exchange("198.51.100.1",
				MockServerHttpRequest.post("http://gw.test/grpc.Echo/Say")
					.header(HttpHeaders.CONTENT_TYPE, "application/grpc+proto")
					.header("Forwarded", "for=203.0.113.9")
					.header("X-Forwarded-Port", "1"));
		HttpHeaders out = new IdentityHeadersFilter(NOBODY).filter(exchange.getRequest().getHeaders(), exchange);
		assertThat(out.get("te")).containsExactly("trailers");
		assertThat(out.containsHeader("Forwarded")).isFalse();
		assertThat(out.containsHeader("X-Forwarded-Port")).isFalse();
	}

	@Test
	void hopByHopHeadersAndEveryHeaderTheClientNamesInConnectionAreDropped() {
		MockServerWebExchange exchange = exchange("198.51.100.1",
				MockServerHttpRequest.get("http://gw.test/api")
					.header(HttpHeaders.CONNECTION, "keep-alive, X-Secret-Hop")
					.header("Keep-Alive", "timeout=5")
					.header("x-secret-hop", "1")
					.header("Proxy-Authorization", "Basic abc")
					.header("TE", "gzip")
					.header("Accept", "application/json"));
		HttpHeaders out = new IdentityHeadersFilter(NOBODY).filter(exchange.getRequest().getHeaders(), exchange);
		assertThat(out.containsHeader(HttpHeaders.CONNECTION)).isFalse();
		assertThat(out.containsHeader("Keep-Alive")).isFalse();
		assertThat(out.containsHeader("X-Secret-Hop")).isFalse();
		assertThat(out.containsHeader("Proxy-Authorization")).isFalse();
		assertThat(out.containsHeader("TE")).isFalse();
		assertThat(out.get("Accept")).containsExactly("application/json");
	}

	@Test
	void theConfiguredHopByHopSetIsTheOneRemoved() {
		HopByHopHeadersFilter hopByHop = new HopByHopHeadersFilter();
		hopByHop.setHeaders(java.util.Set.of("X-Internal-Hop"));
		MockServerWebExchange exchange = exchange("198.51.100.1",
				MockServerHttpRequest.get("http://gw.test/api")
					.header("x-internal-hop", "1")
					.header("Keep-Alive", "timeout=5"));
		HttpHeaders out = new IdentityHeadersFilter(NOBODY, hopByHop).filter(exchange.getRequest().getHeaders(),
				exchange);
		assertThat(out.containsHeader("X-Internal-Hop")).isFalse();
		assertThat(out.get("Keep-Alive")).containsExactly("timeout=5");
	}

	@Test
	void hopByHopRemovalOnRequestsIsLeftToThisFilterAndResponsesKeepIt() {
		HopByHopHeadersFilter hopByHop = new HopByHopHeadersFilter();
		assertThat(hopByHop.supports(org.springframework.cloud.gateway.filter.headers.HttpHeadersFilter.Type.REQUEST))
			.isFalse();
		assertThat(hopByHop.supports(org.springframework.cloud.gateway.filter.headers.HttpHeadersFilter.Type.RESPONSE))
			.isTrue();
	}

	@Test
	void aHeaderTheClientSentInTwoCasingsIsForwardedOnceWithEveryValue() {
		// Netty keeps each casing apart; looking a name up ignores case
		HttpHeaders client = new HttpHeaders(new org.springframework.http.support.Netty4HeadersAdapter(
				new io.netty.handler.codec.http.DefaultHttpHeaders().add("Via", "1.1 a")
					.add("via", "1.1 b")
					.add("x-auth-subject", "mallory")
					.add("X-Auth-Subject", "mallory2")));
		MockServerWebExchange exchange = exchange("198.51.100.1", MockServerHttpRequest.get("http://gw.test/api"));
		exchange.getAttributes().put(ForwardingAttributes.IDENTITY, ALICE);
		HttpHeaders out = new IdentityHeadersFilter(NOBODY).filter(HttpHeaders.readOnlyHttpHeaders(client), exchange);
		assertThat(out.get("VIA")).containsExactly("1.1 a", "1.1 b");
		assertThat(out.get("X-Auth-Subject")).containsExactly("alice");
		List<String> names = new java.util.ArrayList<>();
		out.forEach((name, values) -> names.add(name.toLowerCase(java.util.Locale.ROOT)));
		assertThat(names).doesNotHaveDuplicates().contains("via", "x-auth-subject");
	}

	@Test
	void aGrpcCallThatSentTeItselfForwardsOneTeTrailers() {
		HopByHopHeadersFilter keepsTe = new HopByHopHeadersFilter();
		keepsTe.setHeaders(java.util.Set.of("connection"));
		MockServerWebExchange exchange = exchange("198.51.100.1",
				MockServerHttpRequest.post("http://gw.test/grpc.Echo/Say")
					.header(HttpHeaders.CONTENT_TYPE, "application/grpc")
					.header("TE", "trailers"));
		HttpHeaders out = new IdentityHeadersFilter(NOBODY, keepsTe).filter(exchange.getRequest().getHeaders(),
				exchange);
		assertThat(out.get("te")).containsExactly("trailers");
	}

	@Test
	void aCallThatIsNotGrpcGetsNoTe() {
		MockServerWebExchange exchange = exchange("198.51.100.1",
				MockServerHttpRequest.post("http://gw.test/api").header(HttpHeaders.CONTENT_TYPE, "application/json"));
		HttpHeaders out = new IdentityHeadersFilter(NOBODY).filter(exchange.getRequest().getHeaders(), exchange);
		assertThat(out.containsHeader("te")).isFalse();
	}

	@Test
	void rolesAndScopesAreJoinedOncePerVerifiedTokenNotPerRequest() {
		MockServerWebExchange exchange = exchange("198.51.100.1", MockServerHttpRequest.get("http://gw.test/api"));
		exchange.getAttributes().put(ForwardingAttributes.IDENTITY, ALICE);
		HttpHeaders out = new IdentityHeadersFilter(NOBODY).filter(exchange.getRequest().getHeaders(), exchange);
		assertThat(out.getFirst("X-Auth-Roles")).isSameAs(ALICE.rolesHeader());
		assertThat(out.getFirst("X-Auth-Scopes")).isSameAs(ALICE.scopesHeader());
	}

	@Test
	void aStrippedPrefixIsForwardedAsXForwardedPrefixAndAClientsOwnIsNot() {
		MockServerWebExchange exchange = routed(
				exchange("198.51.100.1",
						MockServerHttpRequest.get("http://gw.test/auth/docs").header("X-Forwarded-Prefix", "/evil")),
				"/auth/docs", "/docs");
		HttpHeaders out = new IdentityHeadersFilter(NOBODY).filter(exchange.getRequest().getHeaders(), exchange);
		assertThat(out.get("X-Forwarded-Prefix")).containsExactly("/auth");
	}

	@Test
	void aRouteThatStripsNothingSendsNoPrefix() {
		MockServerWebExchange exchange = routed(
				exchange("198.51.100.1",
						MockServerHttpRequest.get("http://gw.test/api/items").header("X-Forwarded-Prefix", "/evil")),
				"/api/items", "/api/items");
		HttpHeaders out = new IdentityHeadersFilter(NOBODY).filter(exchange.getRequest().getHeaders(), exchange);
		assertThat(out.containsHeader("X-Forwarded-Prefix")).isFalse();
	}

	@Test
	void aTrustedProxysPrefixStaysInFrontOfTheStrippedOne() {
		MockServerWebExchange exchange = routed(
				exchange("10.0.0.7",
						MockServerHttpRequest.get("http://gw.test/auth/").header("X-Forwarded-Prefix", "/edge/")),
				"/auth/", "/");
		HttpHeaders out = new IdentityHeadersFilter(PROXY_NETWORK).filter(exchange.getRequest().getHeaders(), exchange);
		assertThat(out.get("X-Forwarded-Prefix")).containsExactly("/edge/auth");
	}

	private static MockServerWebExchange routed(MockServerWebExchange exchange, String original, String forwarded) {
		exchange.getAttributes()
			.put(ServerWebExchangeUtils.GATEWAY_ORIGINAL_REQUEST_URL_ATTR,
					new java.util.LinkedHashSet<>(List.of(URI.create("http://gw.test" + original))));
		exchange.getAttributes()
			.put(ServerWebExchangeUtils.GATEWAY_REQUEST_URL_ATTR, URI.create("http://backend.test" + forwarded));
		return exchange;
	}

	@Test
	void anonymousRequestGetsNoIdentityHeaders() {
		MockServerWebExchange exchange = exchange("198.51.100.1",
				MockServerHttpRequest.get("http://gw.test/public").header("X-Auth-Subject", "mallory"));
		HttpHeaders out = new IdentityHeadersFilter(NOBODY).filter(exchange.getRequest().getHeaders(), exchange);
		assertThat(out.headerNames()).noneMatch(name -> name.toLowerCase().startsWith("x-auth-"));
	}

	@Test
	void forwardTokenKeepsTheClientsAuthorizationHeader() {
		MockServerWebExchange exchange = exchange("198.51.100.1",
				MockServerHttpRequest.get("http://gw.test/me").header(HttpHeaders.AUTHORIZATION, "Bearer a.b.c"));
		exchange.getAttributes().put(ForwardingAttributes.FORWARD_TOKEN, true);
		// even if hop-by-hop removal dropped it from the input
		HttpHeaders out = new IdentityHeadersFilter(NOBODY).filter(new HttpHeaders(), exchange);
		assertThat(out.get(HttpHeaders.AUTHORIZATION)).containsExactly("Bearer a.b.c");
	}

	@Test
	void forwardedHeadersFromAnUntrustedPeerAreReplaced() {
		MockServerWebExchange exchange = exchange("198.51.100.1",
				MockServerHttpRequest.get("http://gw.test/api")
					.header("X-Forwarded-For", "203.0.113.9")
					.header("X-Forwarded-Proto", "https")
					.header("X-Forwarded-Host", "evil.example")
					.header("Forwarded", "for=203.0.113.9"));
		HttpHeaders out = new IdentityHeadersFilter(PROXY_NETWORK).filter(exchange.getRequest().getHeaders(), exchange);
		assertThat(out.get("X-Forwarded-For")).containsExactly("198.51.100.1");
		assertThat(out.get("X-Forwarded-Proto")).containsExactly("http");
		assertThat(out.get("X-Forwarded-Host")).containsExactly("gw.test");
		assertThat(out.containsHeader("Forwarded")).isFalse();
	}

	@Test
	void forwardedHeadersFromATrustedProxyAreKeptAndAppendedTo() {
		MockServerWebExchange exchange = exchange("10.0.0.5",
				MockServerHttpRequest.get("http://gw.test/api")
					.header("X-Forwarded-For", "203.0.113.9")
					.header("X-Forwarded-Proto", "https")
					.header("X-Forwarded-Host", "public.example"));
		HttpHeaders out = new IdentityHeadersFilter(PROXY_NETWORK).filter(exchange.getRequest().getHeaders(), exchange);
		assertThat(out.get("X-Forwarded-For")).containsExactly("203.0.113.9, 10.0.0.5");
		assertThat(out.get("X-Forwarded-Proto")).containsExactly("https");
		assertThat(out.get("X-Forwarded-Host")).containsExactly("public.example");
	}

	@Test
	void runsAfterHopByHopRemoval() {
		assertThat(new IdentityHeadersFilter(NOBODY).getOrder()).isGreaterThan(
				new org.springframework.cloud.gateway.filter.headers.RemoveHopByHopHeadersFilter().getOrder());
	}

	@Test
	void claimHeadersReplaceEveryClientCopyAndAMissingClaimLeavesNone() {
		MockServerWebExchange exchange = exchange("198.51.100.1",
				MockServerHttpRequest.get("http://gw.test/api")
					.header("X-Tenant", "globex")
					.header("x-tenant", "initech")
					.header("X-Plan", "platinum")
					.header("X-Other", "kept"));
		exchange.getAttributes().put(ForwardingAttributes.IDENTITY, ALICE);
		exchange.getAttributes()
			.put(ForwardingAttributes.CLAIM_HEADERS, new String[] { "X-Tenant", "acme", "X-Plan", null });
		HttpHeaders out = new IdentityHeadersFilter(NOBODY).filter(exchange.getRequest().getHeaders(), exchange);
		assertThat(out.get("X-Tenant")).containsExactly("acme");
		assertThat(out.containsHeader("X-Plan")).isFalse();
		assertThat(out.get("X-Other")).containsExactly("kept");
	}

}
