package dev.gatehouse.gateway.forwarding;

import java.util.List;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Pattern;

import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

import org.springframework.cloud.gateway.support.ServerWebExchangeUtils;
import org.springframework.core.Ordered;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;

/**
 * Gives every request an {@code X-Request-Id}: the client's if it is sane (1-128 of
 * {@code A-Z a-z 0-9 . _ -}), else a generated one. It is echoed on every response
 * (errors included), passed to the backend by {@link IdentityHeadersFilter} and written
 * to the access log.
 */
public final class RequestIdWebFilter implements WebFilter, Ordered {

	/** Header name. */
	public static final String HEADER = "X-Request-Id";

	/** Exchange attribute holding the request id. */
	public static final String ATTRIBUTE = RequestIdWebFilter.class.getName() + ".requestId";

	/** Runs first of all. */
	public static final int ORDER = Ordered.HIGHEST_PRECEDENCE;

	/** Completes on a {@code parallel} worker instead of the subscribing thread. */
	private static final Mono<Void> COMPLETE_ELSEWHERE = Mono.<Void>empty().publishOn(Schedulers.parallel());

	private static final Pattern SANE = Pattern.compile("[A-Za-z0-9._-]{1,128}");

	@Override
	public int getOrder() {
		return ORDER;
	}

	@Override
	public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
		ServerHttpRequest request = exchange.getRequest();
		String requestId = saneOrGenerated(request.getHeaders().get(HEADER));
		exchange.getAttributes().put(ATTRIBUTE, requestId);
		exchange.getResponse().beforeCommit(() -> {
			exchange.getResponse().getHeaders().set(HEADER, requestId);
			return Mono.empty();
		});
		return chain.filter(exchange)
			.onErrorResume((error) -> Mono.<Void>error(error).publishOn(Schedulers.parallel()))
			.then(Mono.defer(() -> answeredByBackend(exchange) ? Mono.empty() : COMPLETE_ELSEWHERE));
	}

	/**
	 * Whether a backend's response completes the exchange. Those complete on the backend
	 * client's event loop, after the request was read. Everything else is answered by the
	 * gateway itself (refusals, 404, CORS preflights), often synchronously, on the stack
	 * that read the request; Reactor Netty 1.3.6 can then stop reading a keep-alive
	 * connection when that request had been buffered behind a still-terminating one
	 * (reactor/reactor-netty#4361), and the next request hangs until the client gives up.
	 * So the gateway's own answers complete on another thread (errors and the completion
	 * signal alike); proxied requests pay no thread hop.
	 */
	private static boolean answeredByBackend(ServerWebExchange exchange) {
		return exchange.getAttribute(ServerWebExchangeUtils.CLIENT_RESPONSE_ATTR) != null;
	}

	/**
	 * @return the request id of the exchange, or {@code null} before this filter ran
	 */
	public static String requestId(ServerWebExchange exchange) {
		return exchange.getAttribute(ATTRIBUTE);
	}

	static String saneOrGenerated(List<String> values) {
		if (values != null && values.size() == 1 && SANE.matcher(values.get(0)).matches()) {
			return values.get(0);
		}
		// not SecureRandom: request ids are not secrets, and this must never block
		ThreadLocalRandom random = ThreadLocalRandom.current();
		return new UUID(random.nextLong(), random.nextLong()).toString();
	}

	/**
	 * A constant: Spring's filter chain names each filter in a checkpoint on every
	 * request, which {@link Object#toString()} would build anew each time.
	 */
	@Override
	public String toString() {
		return "RequestIdWebFilter";
	}

}
