package dev.gatehouse.gateway.forwarding;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.BiConsumer;

import org.springframework.http.HttpHeaders;
import org.springframework.util.CollectionUtils;
import org.springframework.util.LinkedCaseInsensitiveMap;
import org.springframework.util.MultiValueMap;

/**
 * The request headers as the gateway forwards them, held in one case-insensitive map.
 * {@link HttpHeaders#headerSet()}, {@link HttpHeaders#headerNames()} and
 * {@link HttpHeaders#forEach} first build a de-duplicated copy of all names (a map keyed
 * by the lower-cased name), because headers backed by Netty may hold one name in several
 * casings. Here every name is held once already, so they iterate the map itself: Spring
 * Cloud Gateway iterates the forwarded headers once per request to copy them into the
 * backend request.
 */
final class ForwardedHeaders extends HttpHeaders {

	private static final long serialVersionUID = 1L;

	private final MultiValueMap<String, String> map;

	ForwardedHeaders() {
		this(CollectionUtils.toMultiValueMap(new LinkedCaseInsensitiveMap<>(16, Locale.ROOT)));
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
