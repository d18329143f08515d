package dev.gatehouse.gateway.path;

/**
 * A request path the gateway refuses to route: 400.
 */
public class PathRejectedException extends RuntimeException {

	public PathRejectedException(String reason) {
		super(reason, null, false, false);
	}

}
