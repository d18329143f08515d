package dev.gatehouse.gateway.path;

import java.util.Locale;
import java.util.regex.Pattern;

import reactor.core.publisher.Mono;

import org.springframework.core.Ordered;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;

/**
 * Refuses (400) any request whose <em>raw</em> path could be read differently by the
 * gateway's route matching and by a backend: dot segments, encoded dots, slashes and
 * backslashes (also double-encoded), backslashes, matrix parameters ({@code ;}), empty
 * segments ({@code //}) and control characters, plain or percent-encoded. Runs before
 * routing, right after the request id is assigned, so route policy is always decided on the
 * path the backend receives.
 */
public final class PathGuardWebFilter implements WebFilter, Ordered {

	/** Right after {@code RequestIdWebFilter}, before everything else. */
	public static final int ORDER = Ordered.HIGHEST_PRECEDENCE + 1;

	/** Percent-encoded dot, slash, backslash, percent (double encoding) or control byte. */
	private static final Pattern ENCODED = Pattern.compile("%(2e|2f|5c|25|[01][0-9a-f]|7f)");

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
		for (int i = 0; i < rawPath.length(); i++) {
			char c = rawPath.charAt(i);
			if (c < 0x20 || c == 0x7f) {
				return "control character";
			}
			if (c == '\\') {
				return "backslash";
			}
			if (c == ';') {
				return "path parameter (;)";
			}
		}
		if (rawPath.contains("//")) {
			return "empty path segment (//)";
		}
		if (ENCODED.matcher(rawPath.toLowerCase(Locale.ROOT)).find()) {
			return "encoded dot, slash, backslash, percent or control character";
		}
		for (String segment : rawPath.split("/", -1)) {
			if (segment.equals(".") || segment.equals("..")) {
				return "dot segment";
			}
		}
		return null;
	}

}
