package dev.gatehouse.auth.token;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;

import jakarta.servlet.http.HttpServletRequest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.gatehouse.auth.AuthProperties;

import org.springframework.stereotype.Component;

/**
 * The client's address: the socket peer, or, when the peer is a trusted proxy, the
 * nearest {@code X-Forwarded-For} entry that is not itself a trusted proxy. A client can
 * prepend what it likes to {@code X-Forwarded-For}; walking from the right stops at the
 * first address a trusted proxy vouched for. {@link TrustedProxyFilter} makes it every
 * request's remote address.
 */
@Component
class ClientAddressResolver {

	private static final Logger logger = LoggerFactory.getLogger(ClientAddressResolver.class);

	private final List<Cidr> trustedProxies;

	ClientAddressResolver(AuthProperties properties) {
		this.trustedProxies = properties.trustedProxies().stream().map(Cidr::parse).toList();
		if (this.trustedProxies.isEmpty()) {
			logger
				.warn("gatehouse.auth.trusted-proxies is empty: X-Forwarded-For is ignored and each request counts as "
						+ "coming from its socket peer. Behind the gateway or another proxy, set it to the proxy's addresses "
						+ "or CIDR ranges, or every login counts against the proxy's address (and five bad passwords lock a "
						+ "user out for everyone)");
		}
	}

	String resolve(HttpServletRequest request) {
		String peer = request.getRemoteAddr();
		if (!isTrusted(peer)) {
			return peer;
		}
		List<String> forwarded = request.getHeaders("X-Forwarded-For") == null ? List.of()
				: java.util.Collections.list(request.getHeaders("X-Forwarded-For"))
					.stream()
					.flatMap((value) -> java.util.Arrays.stream(value.split(",")))
					.map(String::trim)
					.filter((value) -> !value.isEmpty())
					.toList();
		String client = peer;
		for (int i = forwarded.size() - 1; i >= 0; i--) {
			client = forwarded.get(i);
			if (!isTrusted(client)) {
				break;
			}
		}
		return client;
	}

	boolean isTrusted(String address) {
		for (Cidr cidr : this.trustedProxies) {
			if (cidr.contains(address)) {
				return true;
			}
		}
		return false;
	}

	/**
	 * An address or CIDR range ({@code 10.0.0.0/8}, {@code ::1}); literal addresses only,
	 * never a DNS lookup.
	 */
	record Cidr(byte[] network, int prefix) {

		static Cidr parse(String value) {
			int slash = value.indexOf('/');
			byte[] address = literal((slash < 0) ? value : value.substring(0, slash));
			if (address == null) {
				throw new IllegalStateException(
						"gatehouse.auth.trusted-proxies: '" + value + "' is not an IP address or CIDR range");
			}
			int prefix = address.length * 8;
			if (slash >= 0) {
				try {
					prefix = Integer.parseInt(value.substring(slash + 1));
				}
				catch (NumberFormatException ex) {
					prefix = -1;
				}
				if (prefix < 0 || prefix > address.length * 8) {
					throw new IllegalStateException(
							"gatehouse.auth.trusted-proxies: '" + value + "' has an invalid prefix length");
				}
			}
			return new Cidr(address, prefix);
		}

		boolean contains(String candidate) {
			byte[] address = literal(candidate);
			if (address == null || address.length != this.network.length) {
				return false;
			}
			int bits = this.prefix;
			for (int i = 0; i < address.length && bits > 0; i++, bits -= 8) {
				int mask = (bits >= 8) ? 0xff : (0xff << (8 - bits)) & 0xff;
				if ((address[i] & mask) != (this.network[i] & mask)) {
					return false;
				}
			}
			return true;
		}

		private static byte[] literal(String value) {
			String trimmed = value.trim();
			if (trimmed.startsWith("[") && trimmed.endsWith("]")) {
				trimmed = trimmed.substring(1, trimmed.length() - 1);
			}
			boolean ipv4 = trimmed.matches("\\d{1,3}(\\.\\d{1,3}){3}");
			boolean ipv6 = trimmed.contains(":") && trimmed.matches("[0-9A-Fa-f:.%a-zA-Z0-9]+");
			if (!ipv4 && !ipv6) {
				return null;
			}
			try {
				byte[] bytes = InetAddress.getByName(trimmed).getAddress();
				// treat IPv4-mapped IPv6 addresses as IPv4
				if (bytes.length == 16 && isV4Mapped(bytes)) {
					return java.util.Arrays.copyOfRange(bytes, 12, 16);
				}
				return bytes;
			}
			catch (UnknownHostException ex) {
				return null;
			}
		}

		private static boolean isV4Mapped(byte[] bytes) {
			for (int i = 0; i < 10; i++) {
				if (bytes[i] != 0) {
					return false;
				}
			}
			return bytes[10] == (byte) 0xff && bytes[11] == (byte) 0xff;
		}

	}

}
