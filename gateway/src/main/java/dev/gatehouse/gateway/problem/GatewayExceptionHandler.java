package dev.gatehouse.gateway.problem;

import dev.gatehouse.gateway.ratelimit.RateLimitStoreUnavailableException;
import dev.gatehouse.gateway.ratelimit.RateLimitedException;

import java.net.ConnectException;
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
import org.springframework.web.server.ResponseStatusException;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebExceptionHandler;

import dev.gatehouse.gateway.forwarding.RequestIdWebFilter;
import dev.gatehouse.gateway.path.MethodRejectedException;
import dev.gatehouse.gateway.path.PathRejectedException;
import dev.gatehouse.gateway.policy.InvalidRoutePolicyException;
import dev.gatehouse.gateway.security.InsufficientScopeException;
import dev.gatehouse.gateway.security.InvalidBearerRequestException;
import dev.gatehouse.gateway.security.KeysUnavailableException;
import dev.gatehouse.gateway.security.MissingBearerTokenException;
import dev.gatehouse.gateway.security.TokenRejectedException;

/**
 * Turns every failure of a request into {@code application/problem+json}: the gateway's
 * own refusals (401/403/400), and Spring Cloud Gateway's (404 no route, 502 connection
 * refused, 504 timeout, 503 circuit open). Ordered before Boot's default handler so no
 * framework error page, exception message or stack trace ever reaches a client.
 */
public final class GatewayExceptionHandler implements WebExceptionHandler, Ordered {

	/** Runs before Boot's {@code DefaultErrorWebExceptionHandler} (order -1). */
	public static final int ORDER = -2;

	static final String REALM = "realm=\"gatehouse\"";

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
		Problem problem = toProblem(exchange, ex);
		if (problem.status().is5xxServerError()) {
			log.warn("{} {} failed with {} [requestId={}]: {}", exchange.getRequest().getMethod(),
					exchange.getRequest().getPath().value(), problem.status().value(),
					RequestIdWebFilter.requestId(exchange), ex.toString());
		}
		return this.writer.write(exchange, problem);
	}

	Problem toProblem(ServerWebExchange exchange, Throwable ex) {
		if (ex instanceof MissingBearerTokenException) {
			return new Problem(HttpStatus.UNAUTHORIZED, "unauthorized", "Unauthorized",
					"A bearer access token is required.")
				.withHeader(HttpHeaders.WWW_AUTHENTICATE, "Bearer " + REALM);
		}
		if (ex instanceof TokenRejectedException rejected) {
			String description = rejected.getDescription();
			return new Problem(HttpStatus.UNAUTHORIZED, "invalid-token", "Invalid token",
					"The access token is not acceptable: " + description + ".")
				.withHeader(HttpHeaders.WWW_AUTHENTICATE, "Bearer " + REALM
						+ ", error=\"invalid_token\", error_description=" + ProblemResponseWriter.quoted(description));
		}
		if (ex instanceof InvalidBearerRequestException invalid) {
			return new Problem(HttpStatus.BAD_REQUEST, "invalid-request", "Invalid request",
					"The request is malformed: " + invalid.getMessage() + ".")
				.withHeader(HttpHeaders.WWW_AUTHENTICATE,
						"Bearer " + REALM + ", error=\"invalid_request\", error_description="
								+ ProblemResponseWriter.quoted(invalid.getMessage()));
		}
		if (ex instanceof InsufficientScopeException insufficient) {
			return new Problem(HttpStatus.FORBIDDEN, "insufficient-scope", "Forbidden",
					"The access token does not grant this route: " + insufficient.getMessage() + ".")
				.withHeader(HttpHeaders.WWW_AUTHENTICATE,
						"Bearer " + REALM + ", error=\"insufficient_scope\", error_description="
								+ ProblemResponseWriter.quoted(insufficient.getMessage()));
		}
		if (ex instanceof RateLimitedException limited) {
			return new Problem(HttpStatus.TOO_MANY_REQUESTS, "rate-limited", "Too many requests",
					"This route's rate limit is exhausted; retry after the indicated time.")
				.withHeader(HttpHeaders.RETRY_AFTER, Long.toString(limited.retryAfterSeconds()));
		}
		if (ex instanceof RateLimitStoreUnavailableException) {
			return new Problem(HttpStatus.SERVICE_UNAVAILABLE, "rate-limit-unavailable", "Service unavailable",
					"The rate limit cannot be checked right now; try again shortly.")
				.withHeader(HttpHeaders.RETRY_AFTER, "1");
		}
		if (ex instanceof PathRejectedException rejected) {
			return new Problem(HttpStatus.BAD_REQUEST, "path-rejected", "Bad request",
					"The request path is not allowed: " + rejected.getMessage() + ".");
		}
		if (ex instanceof MethodRejectedException rejected) {
			return new Problem(HttpStatus.METHOD_NOT_ALLOWED, "method-not-allowed", "Method not allowed",
					"The gateway does not accept this request method.")
				.withHeader(HttpHeaders.ALLOW, rejected.getAllow());
		}
		if (ex instanceof KeysUnavailableException unavailable) {
			return new Problem(HttpStatus.SERVICE_UNAVAILABLE, "keys-unavailable", "Service unavailable",
					"The token issuer's signing keys cannot be obtained right now; try again later.")
				.withHeader(HttpHeaders.RETRY_AFTER, seconds(unavailable.getRetryAfter()));
		}
		if (ex instanceof InvalidRoutePolicyException) {
			return new Problem(HttpStatus.INTERNAL_SERVER_ERROR, "route-misconfigured", "Internal server error",
					"The route's policy is misconfigured.");
		}
		if (causedBy(ex, CallNotPermittedException.class) || ex instanceof ServiceUnavailableException) {
			Route route = exchange.getAttribute(ServerWebExchangeUtils.GATEWAY_ROUTE_ATTR);
			return new Problem(HttpStatus.SERVICE_UNAVAILABLE, "circuit-open", "Service unavailable",
					"The backend is failing; requests are paused for a while.")
				.withHeader(HttpHeaders.RETRY_AFTER, seconds(this.circuitBreakerWait.apply(route)));
		}
		if (causedBy(ex, ConnectTimeoutException.class) || causedBy(ex, java.util.concurrent.TimeoutException.class)) {
			return gatewayTimeout();
		}
		if (causedBy(ex, ConnectException.class) || causedBy(ex, UnknownHostException.class)
				|| causedBy(ex, PrematureCloseException.class)) {
			return new Problem(HttpStatus.BAD_GATEWAY, "bad-gateway", "Bad gateway",
					"The backend could not be reached.");
		}
		if (ex instanceof ResponseStatusException status) {
			return fromStatus(status.getStatusCode());
		}
		log.error("Unexpected failure [requestId={}]", RequestIdWebFilter.requestId(exchange), ex);
		return new Problem(HttpStatus.INTERNAL_SERVER_ERROR, "internal-error", "Internal server error",
				"The gateway failed to process the request.");
	}

	private static Problem fromStatus(HttpStatusCode code) {
		HttpStatus status = HttpStatus.resolve(code.value());
		if (status == null) {
			status = code.is4xxClientError() ? HttpStatus.BAD_REQUEST : HttpStatus.INTERNAL_SERVER_ERROR;
		}
		return switch (status) {
			case NOT_FOUND -> new Problem(status, "not-found", "Not found", "No route matches this request.");
			case GATEWAY_TIMEOUT -> gatewayTimeout();
			case BAD_GATEWAY -> new Problem(status, "bad-gateway", "Bad gateway", "The backend could not be reached.");
			case SERVICE_UNAVAILABLE ->
				new Problem(status, "service-unavailable", "Service unavailable", "The backend is unavailable.");
			case METHOD_NOT_ALLOWED ->
				new Problem(status, "method-not-allowed", "Method not allowed", "This method is not allowed here.");
			default -> new Problem(status, status.is4xxClientError() ? "bad-request" : "internal-error",
					status.getReasonPhrase(), status.is4xxClientError() ? "The request cannot be processed."
							: "The gateway failed to process the request.");
		};
	}

	private static Problem gatewayTimeout() {
		return new Problem(HttpStatus.GATEWAY_TIMEOUT, "gateway-timeout", "Gateway timeout",
				"The backend did not answer in time.");
	}

	private static String seconds(Duration duration) {
		long millis = Math.max(duration.toMillis(), 1000);
		return Long.toString((millis + 999) / 1000);
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
