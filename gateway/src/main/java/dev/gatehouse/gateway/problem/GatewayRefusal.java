package dev.gatehouse.gateway.problem;

import java.net.URI;
import java.time.Duration;

import org.springframework.web.ErrorResponse;

/**
 * A refusal the gateway answers itself: an exception that carries its whole answer as
 * Spring's {@link ErrorResponse}: the status, the headers that belong to it
 * ({@code WWW-Authenticate}, {@code Retry-After}, {@code Allow}) and an RFC 9457 body
 * whose {@code type} is {@code urn:gatehouse:problem:<name>}. The writer knows no
 * feature, and each refusal is described once, in its own class; the list of every
 * problem type is in {@code docs/problems.md}.
 */
public interface GatewayRefusal extends ErrorResponse {

	/** Prefix of every problem {@code type}, in both services. */
	String TYPE_PREFIX = "urn:gatehouse:problem:";

	/**
	 * @param name the short problem type name, e.g. {@code invalid-token}
	 * @return {@code urn:gatehouse:problem:<name>}
	 */
	static URI type(String name) {
		return URI.create(TYPE_PREFIX + name);
	}

	/**
	 * @param wait how long the client should wait
	 * @return a {@code Retry-After} value: whole seconds, rounded up, at least 1
	 */
	static String retryAfter(Duration wait) {
		long millis = Math.max(wait.toMillis(), 1000);
		return Long.toString((millis + 999) / 1000);
	}

	/**
	 * @return the {@code reason} tag under which {@code gatehouse.gateway.refusals}
	 * counts this refusal of a caller's credentials, or {@code null} for refusals that
	 * are not counted there
	 */
	default String refusalReason() {
		return null;
	}

}
