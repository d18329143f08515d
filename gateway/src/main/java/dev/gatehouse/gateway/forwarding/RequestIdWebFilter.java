package dev.gatehouse.gateway.forwarding;

import java.util.List;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Pattern;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

import org.springframework.core.Ordered;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;

/**
 * Gives every request an {@code X-Request-Id}: the client's if it is sane (1-128 of
 * {@code A-Z a-z 0-9 . _ -}), else a generated one. It is echoed on every response (errors
 * included), passed to the backend by {@link IdentityHeadersFilter} and written to the
 * access log ({@code dev.gatehouse.gateway.access}) when the response is committed.
 */
public final class RequestIdWebFilter implements WebFilter, Ordered {

	/** Header name. */
	public static final String HEADER = "X-Request-Id";

	/** Exchange attribute holding the request id. */
	public static final String ATTRIBUTE = RequestIdWebFilter.class.getName() + ".requestId";

	/** Runs first of all. */
	public static final int ORDER = Ordered.HIGHEST_PRECEDENCE;

	private static final Pattern SANE = Pattern.compile("[A-Za-z0-9._-]{1,128}");

	private static final Logger accessLog = LoggerFactory.getLogger("dev.gatehouse.gateway.access");

	@Override
	public int getOrder() {
		return ORDER;
	}

	@Override
	public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
		ServerHttpRequest request = exchange.getRequest();
		String requestId = saneOrGenerated(request.getHeaders().get(HEADER));
		exchange.getAttributes().put(ATTRIBUTE, requestId);
		long started = System.nanoTime();
		exchange.getResponse().beforeCommit(() -> {
			exchange.getResponse().getHeaders().set(HEADER, requestId);
			if (accessLog.isInfoEnabled()) {
				// the query string is left out: it may carry secrets a client put there
				accessLog.info("{} {} {} {}ms requestId={}", request.getMethod(), request.getPath().value(),
						(exchange.getResponse().getStatusCode() != null)
								? exchange.getResponse().getStatusCode().value() : 200,
						(System.nanoTime() - started) / 1_000_000, requestId);
			}
			return Mono.empty();
		});
		// Complete every exchange off the calling stack. Reactor Netty 1.3.6 can stop reading a
		// keep-alive connection when a request that was buffered behind a still-terminating
		// one is answered synchronously (reactor/reactor-netty#4361): the next request then
		// hangs until the client gives up. Gatehouse answers refusals (401/403/404/400)
		// synchronously, so it hands the completion signal to another thread; proxied
		// requests complete on the backend client's event loop anyway.
		return chain.filter(exchange).publishOn(Schedulers.parallel());
	}

	/** @return the request id of the exchange, or {@code null} before this filter ran */
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

}
