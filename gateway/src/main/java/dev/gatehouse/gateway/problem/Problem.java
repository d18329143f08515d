package dev.gatehouse.gateway.problem;

import java.util.LinkedHashMap;
import java.util.Map;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;

/**
 * An RFC 9457 problem the gateway answers with, plus response headers that belong to it
 * ({@code WWW-Authenticate}, {@code Retry-After}).
 *
 * @param status HTTP status
 * @param type short problem type name, rendered as {@code urn:gatehouse:problem:<type>}
 * @param title short human-readable summary
 * @param detail explanation for this occurrence (never library messages or token content)
 * @param headers extra response headers
 */
public record Problem(HttpStatus status, String type, String title, String detail, HttpHeaders headers) {

	/** Prefix of every problem {@code type}. */
	public static final String TYPE_PREFIX = "urn:gatehouse:problem:";

	/**
	 * Exchange attribute: the {@code type} of the problem the gateway answered with (the
	 * access log's reason).
	 */
	public static final String REASON_ATTRIBUTE = Problem.class.getName() + ".reason";

	public Problem(HttpStatus status, String type, String title, String detail) {
		this(status, type, title, detail, new HttpHeaders());
	}

	/** Add a response header. */
	public Problem withHeader(String name, String value) {
		HttpHeaders copy = new HttpHeaders();
		copy.putAll(this.headers);
		copy.set(name, value);
		return new Problem(this.status, this.type, this.title, this.detail, copy);
	}

	Map<String, Object> body(String instance, String requestId) {
		Map<String, Object> body = new LinkedHashMap<>();
		body.put("type", TYPE_PREFIX + this.type);
		body.put("title", this.title);
		body.put("status", this.status.value());
		body.put("detail", this.detail);
		body.put("instance", instance);
		if (requestId != null) {
			body.put("requestId", requestId);
		}
		return body;
	}

}
