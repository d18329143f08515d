package dev.gatehouse.gateway.ratelimit;

import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Clock;
import java.util.List;
import java.util.Map;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

import org.springframework.cloud.gateway.filter.GatewayFilterChain;
import org.springframework.cloud.gateway.route.Route;
import org.springframework.cloud.gateway.support.ServerWebExchangeUtils;
import org.springframework.mock.http.server.reactive.MockServerHttpRequest;
import org.springframework.mock.web.server.MockServerWebExchange;

import dev.gatehouse.gateway.forwarding.ForwardingAttributes;
import dev.gatehouse.gateway.forwarding.ClientAddressResolver;
import dev.gatehouse.gateway.security.TestClaims;
import dev.gatehouse.gateway.security.VerifiedToken;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Plans and claim-keyed limits, through the filter and the in-memory store.
 */
class RateLimitFilterTests {

	private static final GatewayFilterChain CHAIN = (exchange) -> Mono.empty();

	private final RateLimitFilter filter = new RateLimitFilter(new MemoryRateLimiterStore(10_000), false,
			ClientAddressResolver.of(List.of()), new SimpleMeterRegistry(), Clock.systemUTC());

	/** Gold gets 3 per minute by client, everyone else 1 per minute by tenant. */
	private final Route plans = route("plans", Map.of("rate-limit", List.of(
			Map.of("requests", 1, "period", "60s", "key", "claim:tenant", "name", "standard"),
			Map.of("requests", 3, "period", "60s", "key", "client", "when", Map.of("plan", "gold"), "name", "gold"))));

	private static Route route(String id, Map<String, Object> metadata) {
		return Route.async()
			.id(id)
			.uri(URI.create("http://backend.test"))
			.predicate((e) -> true)
			.metadata(metadata)
			.build();
	}

	private MockServerWebExchange exchange(Route route, VerifiedToken token) {
		MockServerWebExchange exchange = MockServerWebExchange.from(MockServerHttpRequest.get("http://gw.test/api")
			.remoteAddress(new InetSocketAddress("198.51.100.7", 40000)));
		exchange.getAttributes().put(ServerWebExchangeUtils.GATEWAY_ROUTE_ATTR, route);
		if (token != null) {
			exchange.getAttributes().put(ForwardingAttributes.IDENTITY, token);
		}
		return exchange;
	}

	private boolean admits(MockServerWebExchange exchange) {
		return Boolean.TRUE.equals(this.filter.filter(exchange, CHAIN)
			.thenReturn(true)
			.onErrorResume(RateLimitedException.class, (ex) -> Mono.just(false))
			.block());
	}

	@Test
	void aStoreFailureIsReportedByWhatFailedInsideItsWrappers() {
		Throwable wrapped = new java.util.concurrent.CompletionException(
				new IllegalStateException("Unable to connect to 127.0.0.1:7001"));

		assertThat(RateLimitFilter.cause(wrapped))
			.isEqualTo("IllegalStateException: Unable to connect to 127.0.0.1:7001");
		assertThat(RateLimitFilter.cause(new java.util.concurrent.TimeoutException())).isEqualTo("TimeoutException");
		assertThat(RateLimitFilter.cause(new IllegalStateException("x".repeat(300))))
			.hasSize("IllegalStateException: ".length() + 200 + "...".length());
	}

	@Test
	void aGoldTokenGetsTheGoldPlanAndTheHeadersNameIt() {
		VerifiedToken gold = TestClaims.token("{\"tenant\":\"acme\",\"plan\":\"gold\"}");
		for (int i = 0; i < 3; i++) {
			MockServerWebExchange exchange = exchange(this.plans, gold);
			assertThat(admits(exchange)).isTrue();
			assertThat(exchange.getResponse().getHeaders().getFirst("RateLimit-Policy")).isEqualTo("\"gold\";q=3;w=60");
			assertThat(exchange.getResponse().getHeaders().getFirst("RateLimit")).startsWith("\"gold\";r=" + (2 - i));
		}
		assertThat(admits(exchange(this.plans, gold))).isFalse();
	}

	@Test
	void aStoreThatDecidesOnlyReactivelyGivesTheSameDecisionsAndHeaders() {
		MemoryRateLimiterStore memory = new MemoryRateLimiterStore(10_000);
		RateLimiterStore reactiveOnly = new RateLimiterStore() {
			@Override
			public Mono<RateLimitDecision> consume(String routeId, List<RateLimit> limits, List<String> keys) {
				return memory.consume(routeId, limits, keys);
			}

			@Override
			public Mono<RateLimitDecision> peek(String routeId, List<RateLimit> limits, List<String> keys) {
				return memory.peek(routeId, limits, keys);
			}
		};
		RateLimitFilter reactive = new RateLimitFilter(reactiveOnly, false, ClientAddressResolver.of(List.of()),
				new SimpleMeterRegistry(), Clock.systemUTC());
		VerifiedToken gold = TestClaims.token("{\"tenant\":\"acme\",\"plan\":\"gold\"}");
		for (RateLimitFilter each : List.of(this.filter, reactive)) {
			List<String> seen = new java.util.ArrayList<>();
			for (int i = 0; i < 4; i++) {
				MockServerWebExchange exchange = exchange(this.plans, gold);
				boolean admitted = Boolean.TRUE.equals(each.filter(exchange, CHAIN)
					.thenReturn(true)
					.onErrorResume(RateLimitedException.class, (ex) -> Mono.just(false))
					.block());
				seen.add(admitted + " " + exchange.getResponse().getHeaders().getFirst("RateLimit-Policy") + " "
						+ exchange.getResponse().getHeaders().getFirst("RateLimit").replaceAll(";t=\\d+", ""));
			}
			assertThat(seen).containsExactly("true \"gold\";q=3;w=60 \"gold\";r=2",
					"true \"gold\";q=3;w=60 \"gold\";r=1", "true \"gold\";q=3;w=60 \"gold\";r=0",
					"false \"gold\";q=3;w=60 \"gold\";r=0");
		}
	}

	@Test
	void aTokenMatchingNoPlanGetsTheLimitsWithoutWhenCountedByItsTenant() {
		VerifiedToken acme = TestClaims.token("{\"tenant\":\"acme\",\"plan\":\"free\"}");
		VerifiedToken globex = TestClaims.token("{\"tenant\":\"globex\"}");
		MockServerWebExchange first = exchange(this.plans, acme);
		assertThat(admits(first)).isTrue();
		assertThat(first.getResponse().getHeaders().getFirst("RateLimit-Policy")).isEqualTo("\"standard\";q=1;w=60");
		assertThat(admits(exchange(this.plans, acme))).as("tenant acme's budget is spent").isFalse();
		assertThat(admits(exchange(this.plans, globex))).as("another tenant counts apart").isTrue();
		assertThat(admits(exchange(this.plans, TestClaims.token("{\"tenant\":\"acme\",\"plan\":\"gold\"}"))))
			.as("the gold plan counts apart from the standard limit")
			.isTrue();
	}

	@Test
	void aTokenWithoutTheKeyClaimIsCountedByItsSubjectNotInASharedBucket() {
		Route byTenant = route("by-tenant",
				Map.of("rate-limit", Map.of("requests", 1, "period", "60s", "key", "claim:tenant")));
		VerifiedToken alice = TestClaims.token("{}");
		VerifiedToken bob = new VerifiedToken("iss", "bob", List.of(), List.of(), null, "j", "s",
				java.time.Instant.now().plusSeconds(60));
		assertThat(admits(exchange(byTenant, alice))).isTrue();
		assertThat(admits(exchange(byTenant, alice))).isFalse();
		assertThat(admits(exchange(byTenant, bob))).isTrue();
	}

	@Test
	void clientKeyCountsByTheCallingApplication() {
		Route byClient = route("by-client",
				Map.of("rate-limit", Map.of("requests", 1, "period", "60s", "key", "client")));
		VerifiedToken aliceViaWeb = TestClaims.token("{}");
		VerifiedToken bobViaWeb = new VerifiedToken("iss", "bob", List.of(), List.of(), "web", "j", "s",
				java.time.Instant.now().plusSeconds(60));
		assertThat(admits(exchange(byClient, aliceViaWeb))).isTrue();
		assertThat(admits(exchange(byClient, bobViaWeb))).as("same client_id, same budget").isFalse();
	}

	@Test
	void onlyPlansAndNoMatchMeansNoLimitAndNoHeaders() {
		Route goldOnly = route("gold-only",
				Map.of("rate-limit", Map.of("requests", 1, "period", "60s", "when", Map.of("plan", "gold"))));
		MockServerWebExchange exchange = exchange(goldOnly, TestClaims.token("{\"plan\":\"free\"}"));
		assertThat(admits(exchange)).isTrue();
		assertThat(admits(exchange(goldOnly, TestClaims.token("{\"plan\":\"free\"}")))).isTrue();
		assertThat(exchange.getResponse().getHeaders().containsHeader("RateLimit-Policy")).isFalse();
	}

	@Test
	void keyResolversAreSpringCloudGatewayKeyResolvers() {
		MockServerWebExchange exchange = exchange(this.plans,
				TestClaims.token("{\"tenant\":\"acme\",\"org\":{\"id\":\"o1\"}}"));
		ClientAddressResolver addresses = ClientAddressResolver.of(List.of());
		StepVerifier
			.create(LimitKeyResolver.of(new RateLimit("t", 1, java.time.Duration.ofSeconds(1), RateLimit.Key.CLAIM,
					dev.gatehouse.gateway.security.ClaimPath.of("org.id"), List.of()), addresses)
				.resolve(exchange))
			.expectNext("claim:iss o1")
			.verifyComplete();
		assertThat(LimitKeyResolver
			.of(new RateLimit("s", 1, java.time.Duration.ofSeconds(1), RateLimit.Key.SUBJECT), addresses)
			.key(exchange)).isEqualTo("sub:iss alice");
		assertThat(
				LimitKeyResolver.of(new RateLimit("i", 1, java.time.Duration.ofSeconds(1), RateLimit.Key.IP), addresses)
					.key(exchange))
			.isEqualTo("ip:198.51.100.7");
		assertThat(LimitKeyResolver
			.of(new RateLimit("c", 1, java.time.Duration.ofSeconds(1), RateLimit.Key.CLIENT), addresses)
			.key(exchange)).isEqualTo("client:iss web");
	}

}
