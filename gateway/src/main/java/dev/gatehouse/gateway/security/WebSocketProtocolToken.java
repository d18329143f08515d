package dev.gatehouse.gateway.security;

import java.util.ArrayList;
import java.util.List;

import org.springframework.http.HttpHeaders;
import org.springframework.http.server.reactive.ServerHttpRequest;

/**
 * The browser's way to send a bearer token with a WebSocket upgrade, which cannot carry
 * an {@code Authorization} header: a subprotocol {@code access_token.<jwt>} offered in
 * {@code Sec-WebSocket-Protocol} next to the application's real subprotocol(s). The token
 * subprotocol is removed from the request before anything else sees it (never forwarded,
 * never chosen and so never echoed); a token in the query string is never looked at.
 */
public final class WebSocketProtocolToken {

	/** Prefix of the subprotocol that carries the token. */
	public static final String PREFIX = "access_token.";

	private static final String PROTOCOL_HEADER = "Sec-WebSocket-Protocol";

	private WebSocketProtocolToken() {
	}

	/**
	 * @param request the request
	 * @return whether it offers a token subprotocol (one header lookup when it offers no
	 * subprotocol at all)
	 */
	public static boolean isOffered(ServerHttpRequest request) {
		List<String> values = request.getHeaders().get(PROTOCOL_HEADER);
		if (values == null) {
			return false;
		}
		for (String value : values) {
			if (value.contains(PREFIX)) {
				return true;
			}
		}
		return false;
	}

	/**
	 * The token of a WebSocket upgrade's token subprotocol.
	 * @param request a request for which {@link #isOffered} holds
	 * @param fromAuthorization the bearer token of the {@code Authorization} header, or
	 * {@code null}
	 * @return the token the request authenticates with: the subprotocol's, else
	 * {@code fromAuthorization} (also when the request is not a WebSocket upgrade)
	 * @throws InvalidBearerRequestException when more than one token subprotocol is
	 * offered, or a token comes both ways (RFC 6750: one method only)
	 * @throws TokenRejectedException when the token is not a {@code b64token}
	 */
	public static String extract(ServerHttpRequest request, String fromAuthorization) {
		if (!"websocket".equalsIgnoreCase(request.getHeaders().getUpgrade())) {
			return fromAuthorization;
		}
		String token = null;
		for (String protocol : protocols(request)) {
			if (protocol.startsWith(PREFIX)) {
				if (token != null) {
					throw new InvalidBearerRequestException("more than one access_token subprotocol");
				}
				token = protocol.substring(PREFIX.length());
			}
		}
		if (token == null) {
			return fromAuthorization;
		}
		if (fromAuthorization != null) {
			throw new InvalidBearerRequestException("a token in both Authorization and Sec-WebSocket-Protocol");
		}
		if (!token.matches("[A-Za-z0-9._~+/-]+=*")) {
			throw new TokenRejectedException(TokenRejectedException.Reason.MALFORMED, "bearer credentials");
		}
		return token;
	}

	/**
	 * @param request a request for which {@link #isOffered} holds
	 * @return the request without its token subprotocol (the header gone when nothing
	 * else was offered)
	 */
	public static ServerHttpRequest strip(ServerHttpRequest request) {
		List<String> kept = new ArrayList<>();
		for (String protocol : protocols(request)) {
			if (!protocol.startsWith(PREFIX)) {
				kept.add(protocol);
			}
		}
		return request.mutate().headers((headers) -> {
			headers.remove(PROTOCOL_HEADER);
			if (!kept.isEmpty()) {
				headers.set(PROTOCOL_HEADER, String.join(", ", kept));
			}
		}).build();
	}

	private static List<String> protocols(ServerHttpRequest request) {
		List<String> protocols = new ArrayList<>();
		HttpHeaders headers = request.getHeaders();
		for (String value : headers.getOrEmpty(PROTOCOL_HEADER)) {
			for (String protocol : value.split(",")) {
				if (!protocol.isBlank()) {
					protocols.add(protocol.trim());
				}
			}
		}
		return protocols;
	}

}
