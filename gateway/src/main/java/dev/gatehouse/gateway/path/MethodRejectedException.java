package dev.gatehouse.gateway.path;

import java.net.URI;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;

import dev.gatehouse.gateway.problem.GatewayRefusal;
import dev.gatehouse.gateway.problem.RefusalException;

/**
 * A request method the gateway does not accept: 405 {@code method-not-allowed} with
 * {@code Allow}.
 */
public class MethodRejectedException extends RefusalException {

	private static final URI TYPE = GatewayRefusal.type("method-not-allowed");

	private final String allow;

	/**
	 * @param allow the {@code Allow} header value: the accepted methods
	 */
	public MethodRejectedException(String allow) {
		super("method not allowed", HttpStatus.METHOD_NOT_ALLOWED, TYPE, "Method not allowed");
		this.allow = allow;
	}

	public String getAllow() {
		return this.allow;
	}

	@Override
	protected String clientDetail() {
		return "The gateway does not accept this request method.";
	}

	@Override
	public HttpHeaders getHeaders() {
		HttpHeaders headers = new HttpHeaders();
		headers.set(HttpHeaders.ALLOW, this.allow);
		return headers;
	}

}
