package dev.gatehouse.auth.problem;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;

/** A refusal outside the token endpoint, answered as {@code application/problem+json}. */
public class ApiException extends RuntimeException {

	private final HttpStatus status;

	private final String title;

	private final transient HttpHeaders headers;

	public ApiException(HttpStatus status, String title, String detail) {
		this(status, title, detail, HttpHeaders.EMPTY);
	}

	public ApiException(HttpStatus status, String title, String detail, HttpHeaders headers) {
		super(detail, null, false, false);
		this.status = status;
		this.title = title;
		this.headers = headers;
	}

	public HttpStatus status() {
		return this.status;
	}

	public String title() {
		return this.title;
	}

	public HttpHeaders headers() {
		return this.headers;
	}

}
