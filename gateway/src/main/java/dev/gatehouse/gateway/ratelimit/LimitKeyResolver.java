package dev.gatehouse.gateway.ratelimit;

import dev.gatehouse.gateway.forwarding.ClientAddressResolver;
import reactor.core.publisher.Mono;

import org.springframework.cloud.gateway.filter.ratelimit.KeyResolver;
import org.springframework.web.server.ServerWebExchange;

import dev.gatehouse.gateway.forwarding.ForwardingAttributes;
import dev.gatehouse.gateway.security.ClaimPath;
import dev.gatehouse.gateway.security.VerifiedToken;

/**
 * What a rate limit counts by, as a Spring Cloud Gateway {@link KeyResolver} (so the same
 * resolvers serve its {@code RequestRateLimiter} filter). The gateway's own limiter calls
 * {@link #key} directly: the values are in memory once the policy filter ran, and a
 * {@code Mono} per limit and request would only add allocation.
 */
public interface LimitKeyResolver extends KeyResolver {

	/**
	 * @param exchange the request, after the policy filter
	 * @return the value to count by, never {@code null}
	 */
	String key(ServerWebExchange exchange);

	@Override
	default Mono<String> resolve(ServerWebExchange exchange) {
		return Mono.just(key(exchange));
	}

	/**
	 * @param limit the limit
	 * @param addresses the client address, for {@code ip} and as the fallback of a
	 * request without a token
	 * @return the resolver of the limit's {@code key}
	 */
	static LimitKeyResolver of(RateLimit limit, ClientAddressResolver addresses) {
		return switch (limit.key()) {
			case ROUTE -> (exchange) -> "route";
			case IP -> new Ip(addresses);
			case SUBJECT -> new Subject(addresses);
			case CLIENT -> new Client(new Subject(addresses));
			case CLAIM -> new Claim(limit.claim(), new Subject(addresses));
		};
	}

	/**
	 * {@code key: ip}: the client address (the socket peer, or the forwarded address when
	 * the peer is a trusted proxy).
	 */
	record Ip(ClientAddressResolver addresses) implements LimitKeyResolver {

		@Override
		public String key(ServerWebExchange exchange) {
			return "ip:" + this.addresses.resolve(exchange.getRequest());
		}

	}

	/**
	 * {@code key: subject}: the token's issuer and {@code sub}; the client address
	 * without a token.
	 */
	record Subject(ClientAddressResolver addresses) implements LimitKeyResolver {

		@Override
		public String key(ServerWebExchange exchange) {
			VerifiedToken identity = exchange.getAttribute(ForwardingAttributes.IDENTITY);
			return (identity != null) ? "sub:" + identity.issuer() + " " + identity.subject()
					: "ip:" + this.addresses.resolve(exchange.getRequest());
		}

	}

	/** {@code key: client}: the token's {@code client_id}; else as {@code subject}. */
	record Client(Subject fallback) implements LimitKeyResolver {

		@Override
		public String key(ServerWebExchange exchange) {
			VerifiedToken identity = exchange.getAttribute(ForwardingAttributes.IDENTITY);
			return (identity != null && identity.clientId() != null)
					? "client:" + identity.issuer() + " " + identity.clientId() : this.fallback.key(exchange);
		}

	}

	/**
	 * {@code key: claim:<name>}: the claim's single value; else (absent, an array, an
	 * object) as {@code subject}, so a token without the claim never shares a budget with
	 * other such tokens.
	 */
	record Claim(ClaimPath claim, Subject fallback) implements LimitKeyResolver {

		@Override
		public String key(ServerWebExchange exchange) {
			VerifiedToken identity = exchange.getAttribute(ForwardingAttributes.IDENTITY);
			String value = (identity != null) ? identity.claims().value(this.claim) : null;
			return (value != null) ? "claim:" + identity.issuer() + " " + value : this.fallback.key(exchange);
		}

	}

}
