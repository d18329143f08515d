package dev.gatehouse.gateway.problem;

import java.net.ConnectException;
import java.net.URI;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.function.Function;

import io.github.resilience4j.circuitbreaker.CallNotPermittedException;
import io.netty.channel.ConnectTimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;
import reactor.netty.http.client.PrematureCloseException;

import org.springframework.cloud.gateway.route.Route;
import org.springframework.cloud.gateway.support.ServerWebExchangeUtils;
import org.springframework.cloud.gateway.support.ServiceUnavailableException;
import org.springframework.core.Ordered;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.web.ErrorResponse;
import org.springframework.web.server.ResponseStatusException;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebExceptionHandler;

import dev.gatehouse.gateway.forwarding.RequestIdWebFilter;

/**
 * Turns every failure of a request into {@code application/problem+json}: the gateway's
 * own refusals, each a {@link GatewayRefusal} that carries its answer, and Spring Cloud
 * Gateway's failures (404 no route, 502 connection refused, 504 timeout, 503 circuit
 * open), mapped here. Ordered before Boot's default handler so no framework error page,
 * exception message or stack trace ever reaches a client.
 */
public final class GatewayExceptionHandler implements WebExceptionHandler, Ordered {

	/** Runs before Boot's {@code DefaultErrorWebExceptionHandler} (order -1). */
	public static final int ORDER = -2;

	private static final URI NOT_FOUND = GatewayRefusal.type("not-found");

	private static final URI BAD_GATEWAY = GatewayRefusal.type("bad-gateway");

	private static final URI GATEWAY_TIMEOUT = GatewayRefusal.type("gateway-timeout");

	private static final URI SERVICE_UNAVAILABLE = GatewayRefusal.type("service-unavailable");

	private static final URI CIRCUIT_OPEN = GatewayRefusal.type("circuit-open");

	private static final URI METHOD_NOT_ALLOWED = GatewayRefusal.type("method-not-allowed");

	private static final URI BAD_REQUEST = GatewayRefusal.type("bad-request");

	private static final URI INTERNAL_ERROR = GatewayRefusal.type("internal-error");

	private static final Logger log = LoggerFactory.getLogger(GatewayExceptionHandler.class);

	private final ProblemResponseWriter writer;

	private final Function<Route, Duration> circuitBreakerWait;

	/**
	 * @param writer problem writer
	 * @param circuitBreakerWait open-state wait duration of a route's circuit breaker
	 * (for {@code Retry-After}); the route may be {@code null}
	 */
	public GatewayExceptionHandler(ProblemResponseWriter writer, Function<Route, Duration> circuitBreakerWait) {
		this.writer = writer;
		this.circuitBreakerWait = circuitBreakerWait;
	}

	@Override
	public int getOrder() {
		return ORDER;
	}

	@Override
	public Mono<Void> handle(ServerWebExchange exchange, Throwable ex) {
		if (exchange.getResponse().isCommitted()) {
			return Mono.error(ex);
		}
		ErrorResponse problem = toProblem(exchange, ex);
		if (problem.getStatusCode().is5xxServerError()) {
			log.warn("{} {} failed with {} [requestId={}]: {}", exchange.getRequest().getMethod(),
					exchange.getRequest().getPath().value(), problem.getStatusCode().value(),
					RequestIdWebFilter.requestId(exchange), ex.toString());
		}
		return this.writer.write(exchange, problem);
	}

	/**
	 * @param exchange the request
	 * @param ex why it failed
	 * @return the answer the client gets (also what the explain endpoint reports)
	 */
	public ErrorResponse toProblem(ServerWebExchange exchange, Throwable ex) {
		if (ex instanceof GatewayRefusal refusal) {
			return refusal;
		}
		if (causedBy(ex, CallNotPermittedException.class) || ex instanceof ServiceUnavailableException) {
			Route route = exchange.getAttribute(ServerWebExchangeUtils.GATEWAY_ROUTE_ATTR);
			return problem(ex, HttpStatus.SERVICE_UNAVAILABLE, CIRCUIT_OPEN, "Service unavailable",
					"The backend is failing; requests are paused for a while.")
				.header(HttpHeaders.RETRY_AFTER, GatewayRefusal.retryAfter(this.circuitBreakerWait.apply(route)))
				.build();
		}
		if (causedBy(ex, ConnectTimeoutException.class) || causedBy(ex, java.util.concurrent.TimeoutException.class)) {
			return gatewayTimeout(ex);
		}
		if (causedBy(ex, ConnectException.class) || causedBy(ex, UnknownHostException.class)
				|| causedBy(ex, PrematureCloseException.class)) {
			return badGateway(ex);
		}
		if (ex instanceof ResponseStatusException status) {
			return fromStatus(ex, status.getStatusCode());
		}
		log.error("Unexpected failure [requestId={}]", RequestIdWebFilter.requestId(exchange), ex);
		return problem(ex, HttpStatus.INTERNAL_SERVER_ERROR, INTERNAL_ERROR, "Internal server error",
				"The gateway failed to process the request.")
			.build();
	}

	private static ErrorResponse fromStatus(Throwable ex, HttpStatusCode code) {
		HttpStatus status = HttpStatus.resolve(code.value());
		if (status == null) {
			status = code.is4xxClientError() ? HttpStatus.BAD_REQUEST : HttpStatus.INTERNAL_SERVER_ERROR;
		}
		return switch (status) {
			case NOT_FOUND -> problem(ex, status, NOT_FOUND, "Not found", "No route matches this request.").build();
			case GATEWAY_TIMEOUT -> gatewayTimeout(ex);
			case BAD_GATEWAY -> badGateway(ex);
			case SERVICE_UNAVAILABLE ->
				problem(ex, status, SERVICE_UNAVAILABLE, "Service unavailable", "The backend is unavailable.").build();
			case METHOD_NOT_ALLOWED ->
				problem(ex, status, METHOD_NOT_ALLOWED, "Method not allowed", "This method is not allowed here.")
					.build();
			default -> status.is4xxClientError()
					? problem(ex, status, BAD_REQUEST, status.getReasonPhrase(), "The request cannot be processed.")
						.build()
					: problem(ex, status, INTERNAL_ERROR, status.getReasonPhrase(),
							"The gateway failed to process the request.")
						.build();
		};
	}

	private static ErrorResponse gatewayTimeout(Throwable ex) {
		return problem(ex, HttpStatus.GATEWAY_TIMEOUT, GATEWAY_TIMEOUT, "Gateway timeout",
				"The backend did not answer in time.")
			.build();
	}

	private static ErrorResponse badGateway(Throwable ex) {
		return problem(ex, HttpStatus.BAD_GATEWAY, BAD_GATEWAY, "Bad gateway", "The backend could not be reached.")
			.build();
	}

	private static ErrorResponse.Builder problem(Throwable ex, HttpStatus status, URI type, String title,
			String detail) {
		return ErrorResponse.builder(ex, status, detail).type(type).title(title);
	}

	private static boolean causedBy(Throwable ex, Class<? extends Throwable> type) {
		for (Throwable cause = ex; cause != null; cause = cause.getCause()) {
			if (type.isInstance(cause)) {
				return true;
			}
			if (cause.getCause() == cause) {
				break;
			}
		}
		return false;
	}

}
