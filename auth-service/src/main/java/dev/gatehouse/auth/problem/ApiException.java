package dev.gatehouse.auth.problem;

import org.springframework.http.HttpStatus;

/** A refusal outside the token endpoint, answered as {@code application/problem+json}. */
public class ApiException extends RuntimeException {

	private final HttpStatus status;

	private final String title;

	public ApiException(HttpStatus status, String title, String detail) {
		super(detail, null, false, false);
		this.status = status;
		this.title = title;
	}

	public HttpStatus status() {
		return this.status;
	}

	public String title() {
		return this.title;
	}

}
