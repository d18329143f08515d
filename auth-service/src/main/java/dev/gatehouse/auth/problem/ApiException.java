package dev.gatehouse.auth.problem;

import java.net.URI;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.ProblemDetail;
import org.springframework.web.ErrorResponse;

/**
 * A refusal outside the token endpoint: an exception that carries its whole answer as
 * Spring's {@link ErrorResponse} (status, headers, and an RFC 9457 body whose
 * {@code type} is {@code urn:gatehouse:problem:<name>}, the scheme the gateway uses too),
 * answered as {@code application/problem+json}. Every type is listed in
 * {@code docs/problems.md}.
 */
public class ApiException extends RuntimeException implements ErrorResponse {

	/** Prefix of every problem {@code type}, in both services. */
	public static final String TYPE_PREFIX = "urn:gatehouse:problem:";

	private final HttpStatus status;

	private final URI type;

	private final String title;

	private final transient HttpHeaders headers;

	/**
	 * @param status the answer's status
	 * @param type the short problem type name, e.g. {@code user-not-found}
	 * @param title the problem title, the same for every refusal of the type
	 * @param detail the explanation the client reads: never a library message, a secret
	 * or token content
	 */
	public ApiException(HttpStatus status, String type, String title, String detail) {
		this(status, type, title, detail, HttpHeaders.EMPTY);
	}

	public ApiException(HttpStatus status, String type, String title, String detail, HttpHeaders headers) {
		super(detail, null, false, false);
		this.status = status;
		this.type = type(type);
		this.title = title;
		this.headers = headers;
	}

	/**
	 * @param name the short problem type name
	 * @return {@code urn:gatehouse:problem:<name>}
	 */
	public static URI type(String name) {
		return URI.create(TYPE_PREFIX + name);
	}

	public HttpStatus status() {
		return this.status;
	}

	@Override
	public HttpStatusCode getStatusCode() {
		return this.status;
	}

	@Override
	public HttpHeaders getHeaders() {
		return this.headers;
	}

	@Override
	public ProblemDetail getBody() {
		ProblemDetail body = ProblemDetail.forStatusAndDetail(this.status, getMessage());
		body.setType(this.type);
		body.setTitle(this.title);
		return body;
	}

}
