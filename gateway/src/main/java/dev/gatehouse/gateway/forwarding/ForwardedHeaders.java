package dev.gatehouse.gateway.forwarding;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BiConsumer;

import org.springframework.http.HttpHeaders;
import org.springframework.util.CollectionUtils;
import org.springframework.util.MultiValueMap;

/**
 * Headers as the gateway forwards them (to a backend, or back to the client), each name
 * held once whatever its casing. {@link HttpHeaders#headerSet()},
 * {@link HttpHeaders#headerNames()} and {@link HttpHeaders#forEach} first build a
 * de-duplicated copy of all names (a map keyed by the lower-cased name), because headers
 * backed by Netty may hold one name in several casings. Here every name is held once
 * already, so they iterate the map itself: Spring Cloud Gateway iterates the forwarded
 * headers once per request to copy them into the backend request, and a backend's
 * response headers twice (their names, then a copy into the response).
 */
public final class ForwardedHeaders extends HttpHeaders {

	private static final long serialVersionUID = 1L;

	private static final int MOST_COMPARED = 64;

	private final MultiValueMap<String, String> map;

	/**
	 * Empty headers, over a {@link HeaderMap}: what {@link HttpHeaders} holds in a
	 * {@code LinkedCaseInsensitiveMap}, without that map's lower-cased copy of each name.
	 */
	public ForwardedHeaders() {
		this(CollectionUtils.toMultiValueMap(new HeaderMap(16)));
	}

	/**
	 * The same headers (not a copy), iterated as these are, when they hold each name once
	 * whatever its casing, as a new {@link HttpHeaders} does; otherwise (headers backed
	 * by a server's, which may hold one name in several casings) the headers themselves.
	 * @param headers the headers
	 * @return a view of them, or themselves
	 */
	static HttpHeaders viewOf(HttpHeaders headers) {
		if (headers instanceof ForwardedHeaders) {
			return headers;
		}
		MultiValueMap<String, String> map = headers.asMultiValueMap();
		return distinctIgnoringCase(map.keySet()) ? new ForwardedHeaders(map) : headers;
	}

	/**
	 * Compared pairwise: cheaper than lower-casing every name for the handful a response
	 * has (names of different lengths differ at once); beyond {@value #MOST_COMPARED}
	 * names the answer is no, which leaves such headers as they are.
	 */
	private static boolean distinctIgnoringCase(Set<String> names) {
		if (names.size() > MOST_COMPARED) {
			return false;
		}
		String[] seen = new String[names.size()];
		int count = 0;
		for (String name : names) {
			for (int i = 0; i < count; i++) {
				if (seen[i].equalsIgnoreCase(name)) {
					return false;
				}
			}
			seen[count++] = name;
		}
		return true;
	}

	private ForwardedHeaders(MultiValueMap<String, String> map) {
		super(map);
		this.map = map;
	}

	@Override
	public Set<Map.Entry<String, List<String>>> headerSet() {
		return this.map.entrySet();
	}

	@Override
	public Set<String> headerNames() {
		return this.map.keySet();
	}

	@Override
	public void forEach(BiConsumer<? super String, ? super List<String>> action) {
		this.map.forEach(action);
	}

}
