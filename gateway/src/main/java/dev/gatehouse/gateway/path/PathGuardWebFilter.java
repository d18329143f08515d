package dev.gatehouse.gateway.path;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

import reactor.core.publisher.Mono;

import org.springframework.core.Ordered;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;

/**
 * Refuses (400) any request whose <em>raw</em> path could be read differently by the
 * gateway's route matching and by a backend: dot segments, encoded dots, slashes and
 * backslashes (also double-encoded), backslashes, matrix parameters ({@code ;}), empty
 * segments ({@code //}), control characters, plain or percent-encoded, raw non-ASCII
 * characters, and percent-encoded bytes that are not well-formed UTF-8 (overlong forms
 * such as {@code %c0%ae}, stray continuation bytes, encoded surrogates, truncated
 * sequences). Runs before routing, right after the request id is assigned, so route
 * policy is always decided on the path the backend receives.
 */
public final class PathGuardWebFilter implements WebFilter, Ordered {

	/**
	 * After the request id and access log filters (every request, a refused one too, has
	 * an id and a log line), before everything else.
	 */
	public static final int ORDER = Ordered.HIGHEST_PRECEDENCE + 10;

	@Override
	public int getOrder() {
		return ORDER;
	}

	@Override
	public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
		String reason = check(exchange.getRequest().getURI().getRawPath());
		if (reason != null) {
			return Mono.error(new PathRejectedException(reason));
		}
		return chain.filter(exchange);
	}

	/**
	 * @param rawPath the raw (still percent-encoded) path
	 * @return why the path is refused, or {@code null} if it is fine
	 */
	static String check(String rawPath) {
		if (rawPath == null || rawPath.isEmpty()) {
			return null;
		}
		// one pass over the characters (this runs on every request): what is refused per
		// character first, the rest noted for the checks below, in the same order of
		// reasons as a request sees them
		boolean emptySegment = false;
		boolean dotSegment = false;
		boolean escapes = false;
		int segmentStart = 0;
		for (int i = 0; i < rawPath.length(); i++) {
			char c = rawPath.charAt(i);
			if (c < 0x20 || c == 0x7f) {
				return "control character";
			}
			if (c == '\\') {
				return "backslash";
			}
			if (c > 0x7f) {
				// raw bytes outside ASCII (read as ISO-8859-1): not a valid request
				// target, and re-encoding them
				// would hand the backend something else than the client sent
				return "non-ASCII character that is not percent-encoded";
			}
			if (c == ';') {
				return "path parameter (;)";
			}
			if (c == '%') {
				escapes = true;
			}
			else if (c == '/') {
				emptySegment |= i > 0 && rawPath.charAt(i - 1) == '/';
				dotSegment |= isDots(rawPath, segmentStart, i);
				segmentStart = i + 1;
			}
		}
		dotSegment |= isDots(rawPath, segmentStart, rawPath.length());
		if (emptySegment) {
			return "empty path segment (//)";
		}
		if (escapes && hasRefusedEscape(rawPath)) {
			return "encoded dot, slash, backslash, percent or control character";
		}
		if (dotSegment) {
			return "dot segment";
		}
		// only a path with escapes can carry bytes that are not UTF-8
		return escapes ? utf8Problem(rawPath) : null;
	}

	/** Whether {@code path[start, end)} is {@code .} or {@code ..}. */
	private static boolean isDots(String path, int start, int end) {
		int length = end - start;
		return (length == 1 || length == 2) && path.charAt(start) == '.' && path.charAt(end - 1) == '.';
	}

	/**
	 * A percent-encoded dot, slash, backslash, percent (double encoding) or control byte
	 * ({@code %2e %2f %5c %25 %00-%1f %7f}, either case).
	 */
	private static boolean hasRefusedEscape(String path) {
		for (int i = path.indexOf('%'); i >= 0 && i + 2 < path.length(); i = path.indexOf('%', i + 1)) {
			char high = path.charAt(i + 1);
			char low = Character.toLowerCase(path.charAt(i + 2));
			boolean refused = switch (high) {
				case '2' -> low == 'e' || low == 'f' || low == '5';
				case '5' -> low == 'c';
				case '7' -> low == 'f';
				case '0', '1' -> Character.digit(low, 16) >= 0;
				default -> false;
			};
			if (refused) {
				return true;
			}
		}
		return false;
	}

	/**
	 * Decodes the escapes strictly (literal characters are ASCII by now): a backend's
	 * lenient decoder could read an overlong or otherwise malformed sequence as a
	 * character the checks above never saw (an overlong {@code %c0%ae} is a dot).
	 */
	static String utf8Problem(String rawPath) {
		byte[] bytes = new byte[rawPath.length()];
		int length = 0;
		for (int i = 0; i < rawPath.length(); i++) {
			char c = rawPath.charAt(i);
			if (c != '%') {
				bytes[length++] = (byte) c;
				continue;
			}
			int high = (i + 2 < rawPath.length()) ? Character.digit(rawPath.charAt(i + 1), 16) : -1;
			int low = (high >= 0) ? Character.digit(rawPath.charAt(i + 2), 16) : -1;
			if (low < 0) {
				return "malformed percent-encoding";
			}
			bytes[length++] = (byte) ((high << 4) | low);
			i += 2;
		}
		try {
			StandardCharsets.UTF_8.newDecoder()
				.onMalformedInput(CodingErrorAction.REPORT)
				.onUnmappableCharacter(CodingErrorAction.REPORT)
				.decode(ByteBuffer.wrap(bytes, 0, length));
			return null;
		}
		catch (CharacterCodingException ex) {
			return "percent-encoded bytes that are not valid UTF-8";
		}
	}

	/**
	 * A constant: Spring's filter chain names each filter in a checkpoint on every
	 * request, which {@link Object#toString()} would build anew each time.
	 */
	@Override
	public String toString() {
		return "PathGuardWebFilter";
	}

}
