package dev.gatehouse.gateway.path;

/**
 * A request method the gateway does not accept: 405 with {@code Allow}.
 */
public class MethodRejectedException extends RuntimeException {

	private final String allow;

	/**
	 * @param allow the {@code Allow} header value: the accepted methods
	 */
	public MethodRejectedException(String allow) {
		super("method not allowed", null, false, false);
		this.allow = allow;
	}

	public String getAllow() {
		return this.allow;
	}

}
