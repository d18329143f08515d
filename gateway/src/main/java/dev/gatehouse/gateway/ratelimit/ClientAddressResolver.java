package dev.gatehouse.gateway.ratelimit;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import dev.gatehouse.gateway.forwarding.TrustedProxies;

import org.springframework.http.server.reactive.ServerHttpRequest;

/**
 * The client's address for {@code key: ip}: the socket peer; only when the peer is one of
 * the {@code trusted-proxies}, the nearest {@code X-Forwarded-For} entry that is not
 * itself a trusted proxy. A client cannot change its key by sending
 * {@code X-Forwarded-For}: from an untrusted peer the header is ignored, and entries a
 * client prepends are never reached while a trusted proxy appended the real address after
 * them.
 * <p>
 * An IPv6 client is keyed by its /64 (one subscriber's network: a host picks any address
 * in it at will), an IPv4 client (also written IPv4-mapped, {@code ::ffff:a.b.c.d}) by
 * its address.
 */
public final class ClientAddressResolver {

	private final TrustedProxies trustedProxies;

	/**
	 * @param trustedProxies the peers whose {@code X-Forwarded-For} is believed
	 */
	public ClientAddressResolver(TrustedProxies trustedProxies) {
		this.trustedProxies = trustedProxies;
	}

	public String resolve(ServerHttpRequest request) {
		InetSocketAddress remote = request.getRemoteAddress();
		InetAddress peer = (remote != null) ? remote.getAddress() : null;
		if (peer == null) {
			return "unknown";
		}
		if (!this.trustedProxies.trustsPeerOf(request)) {
			return key(peer.getAddress());
		}
		List<String> forwarded = new ArrayList<>();
		for (String value : request.getHeaders().getOrEmpty("X-Forwarded-For")) {
			for (String part : value.split(",")) {
				if (!part.isBlank()) {
					forwarded.add(part.trim());
				}
			}
		}
		for (int i = forwarded.size() - 1; i >= 0; i--) {
			String hop = withoutPort(forwarded.get(i));
			if (!this.trustedProxies.contains(hop)) {
				byte[] address = TrustedProxies.literal(hop);
				// a proxy we trust wrote something that is no address: count it as it is
				return (address != null) ? key(address) : hop;
			}
		}
		// every hop is a trusted proxy: the farthest one is the client
		return forwarded.isEmpty() ? key(peer.getAddress())
				: key(TrustedProxies.literal(withoutPort(forwarded.get(0))));
	}

	/**
	 * An {@code X-Forwarded-For} entry without the port some proxies append
	 * ({@code 203.0.113.5:4711}, {@code [2001:db8::1]:4711}), so a client's key does not
	 * change with its source port.
	 */
	static String withoutPort(String hop) {
		if (hop.startsWith("[")) {
			int end = hop.indexOf(']');
			return (end > 0) ? hop.substring(0, end + 1) : hop;
		}
		int colon = hop.indexOf(':');
		boolean ipv4WithPort = colon > 0 && colon == hop.lastIndexOf(':') && hop.indexOf('.') > 0;
		return ipv4WithPort ? hop.substring(0, colon) : hop;
	}

	/**
	 * @param address 4 or 16 address bytes
	 * @return the IPv4 address, or the IPv6 /64 prefix as {@code 2001:db8:1:2::/64}
	 */
	static String key(byte[] address) {
		byte[] normalized = TrustedProxies.normalize(address);
		try {
			if (normalized.length == 4) {
				return InetAddress.getByAddress(normalized).getHostAddress();
			}
			byte[] prefix = Arrays.copyOf(normalized, 16);
			Arrays.fill(prefix, 8, 16, (byte) 0);
			return compressed((Inet6Address) InetAddress.getByAddress(prefix)) + "/64";
		}
		catch (UnknownHostException ex) {
			// only thrown for a wrong length, which the callers never pass
			throw new IllegalArgumentException(ex);
		}
	}

	/** The /64 prefix with its zero interface half shortened: {@code 2001:db8:1:2::}. */
	private static String compressed(Inet6Address prefix) {
		String full = prefix.getHostAddress(); // e.g. 2001:db8:1:2:0:0:0:0
		return full.endsWith(":0:0:0:0") ? full.substring(0, full.length() - "0:0:0:0".length()) + ":" : full;
	}

}
