package dev.gatehouse.gateway.ratelimit;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

import org.springframework.http.server.reactive.ServerHttpRequest;

/**
 * The client's address for {@code key: ip}: the socket peer; only when the peer matches {@code trusted-proxies}, the
 * nearest {@code X-Forwarded-For} entry that is not itself a trusted proxy. A client cannot change its key by sending
 * {@code X-Forwarded-For}: from an untrusted peer the header is ignored, and entries a client prepends are never
 * reached while a trusted proxy appended the real address after them.
 */
public final class ClientAddressResolver {

	private final Pattern trustedProxies;

	/** @param trustedProxies regular expression over peer addresses; empty trusts nobody */
	public ClientAddressResolver(String trustedProxies) {
		this.trustedProxies = (trustedProxies == null || trustedProxies.isBlank()) ? null : Pattern.compile(trustedProxies);
	}

	public String resolve(ServerHttpRequest request) {
		InetSocketAddress remote = request.getRemoteAddress();
		String peer = (remote != null && remote.getAddress() != null) ? remote.getAddress().getHostAddress() : "unknown";
		if (!isTrusted(peer)) {
			return peer;
		}
		List<String> forwarded = new ArrayList<>();
		for (String value : request.getHeaders().getOrEmpty("X-Forwarded-For")) {
			for (String part : value.split(",")) {
				if (!part.isBlank()) {
					forwarded.add(part.trim());
				}
			}
		}
		String client = peer;
		for (int i = forwarded.size() - 1; i >= 0; i--) {
			client = forwarded.get(i);
			if (!isTrusted(client)) {
				break;
			}
		}
		return client;
	}

	private boolean isTrusted(String address) {
		return this.trustedProxies != null && this.trustedProxies.matcher(address).matches();
	}

}
