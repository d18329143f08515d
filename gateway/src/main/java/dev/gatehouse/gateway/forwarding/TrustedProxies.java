package dev.gatehouse.gateway.forwarding;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Pattern;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.http.server.reactive.ServerHttpRequest;

/**
 * The peers whose {@code X-Forwarded-*} headers are believed
 * ({@code gatehouse.gateway.trusted-proxies}): IPv4 and IPv6 CIDR ranges, a single
 * address meaning /32 or /128. IPv4-mapped IPv6 addresses count as IPv4. Only literal
 * addresses are understood; nothing is ever looked up in DNS. Empty (the default, for a
 * gateway at the edge) trusts nobody.
 */
public final class TrustedProxies {

	/** The property that lists them. */
	public static final String PROPERTY = "gatehouse.gateway.trusted-proxies";

	private static final Logger log = LoggerFactory.getLogger(TrustedProxies.class);

	private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");

	private static final Pattern IPV6 = Pattern.compile("[0-9A-Fa-f:]+(\\d{1,3}(\\.\\d{1,3}){3})?");

	private final List<Cidr> ranges;

	private final AtomicBoolean warned = new AtomicBoolean();

	private TrustedProxies(List<Cidr> ranges) {
		this.ranges = ranges;
	}

	/**
	 * @param entries addresses or CIDR ranges, each already checked by
	 * {@link #problem(String)}
	 * @return the trusted proxies
	 * @throws IllegalArgumentException naming the property and the first invalid entry
	 */
	public static TrustedProxies of(List<String> entries) {
		List<Cidr> ranges = new ArrayList<>(entries.size());
		for (int i = 0; i < entries.size(); i++) {
			String problem = problem(entries.get(i));
			if (problem != null) {
				throw new IllegalArgumentException(PROPERTY + "[" + i + "]: " + problem);
			}
			ranges.add(Cidr.parse(entries.get(i)));
		}
		return new TrustedProxies(List.copyOf(ranges));
	}

	/**
	 * @param entry one configured entry
	 * @return what is wrong with it, or {@code null} if it is a valid address or CIDR
	 * range
	 */
	public static String problem(String entry) {
		if (entry == null || entry.isBlank()) {
			return "must not be blank";
		}
		String value = entry.trim();
		int slash = value.indexOf('/');
		byte[] address = literal((slash < 0) ? value : value.substring(0, slash));
		if (address == null) {
			return "'" + entry + "' is not an IP address or CIDR range (e.g. 10.0.0.0/8, 192.0.2.7, 2001:db8::/32)";
		}
		if (slash >= 0) {
			String bits = value.substring(slash + 1);
			if (!bits.matches("\\d{1,3}") || Integer.parseInt(bits) > address.length * 8) {
				return "'" + entry + "' has an invalid prefix length (0-" + address.length * 8 + ")";
			}
		}
		return null;
	}

	/** Whether nobody is trusted. */
	public boolean isEmpty() {
		return this.ranges.isEmpty();
	}

	/**
	 * Whether the socket peer of this request is a trusted proxy. The first
	 * {@code X-Forwarded-For} that arrives from a peer that is not is logged once (peer
	 * address only): it is ignored, and the operator may have meant to list that peer.
	 * @param request the request
	 * @return whether its {@code X-Forwarded-*} headers may be believed
	 */
	public boolean trustsPeerOf(ServerHttpRequest request) {
		InetSocketAddress remote = request.getRemoteAddress();
		InetAddress peer = (remote != null) ? remote.getAddress() : null;
		// getAddress() copies the address bytes: not at all when nobody is trusted (the
		// usual edge setting)
		if (peer != null && !this.ranges.isEmpty() && contains(peer.getAddress())) {
			return true;
		}
		if (!this.warned.get() && request.getHeaders().containsHeader("X-Forwarded-For")
				&& this.warned.compareAndSet(false, true)) {
			log.warn(
					"Ignoring X-Forwarded-For from {}: that peer is not listed in {}, so the socket peer stays the client "
							+ "address; list your load balancer or proxy there if one is in front of the gateway (logged once)",
					(peer != null) ? peer.getHostAddress() : "an unknown peer", PROPERTY);
		}
		return false;
	}

	/**
	 * @param address an address literal (e.g. an {@code X-Forwarded-For} entry)
	 * @return whether it is a trusted proxy; anything that is not an address literal is
	 * not
	 */
	public boolean contains(String address) {
		if (this.ranges.isEmpty()) {
			return false;
		}
		byte[] bytes = literal(address);
		return bytes != null && contains(bytes);
	}

	private boolean contains(byte[] address) {
		byte[] normalized = normalize(address);
		for (Cidr range : this.ranges) {
			if (range.contains(normalized)) {
				return true;
			}
		}
		return false;
	}

	/**
	 * Parses an IPv4 or IPv6 address literal (IPv6 optionally in brackets); never a host
	 * name, so never a DNS lookup.
	 * @param value the text
	 * @return the address bytes (4 for IPv4 and IPv4-mapped IPv6, else 16), or
	 * {@code null} if it is no literal
	 */
	public static byte[] literal(String value) {
		if (value == null) {
			return null;
		}
		String text = value.trim();
		if (text.length() > 2 && text.charAt(0) == '[' && text.charAt(text.length() - 1) == ']') {
			text = text.substring(1, text.length() - 1);
		}
		if (IPV4.matcher(text).matches()) {
			String[] parts = text.split("\\.");
			byte[] bytes = new byte[4];
			for (int i = 0; i < 4; i++) {
				int octet = Integer.parseInt(parts[i]);
				if (octet > 255) {
					return null;
				}
				bytes[i] = (byte) octet;
			}
			return bytes;
		}
		// hex digits and colons, optionally ending in a dotted IPv4 part; no zone id.
		// With a colon in it the JDK
		// parses the text as an IPv6 literal or refuses it, never looking it up.
		if (text.indexOf(':') < 0 || !IPV6.matcher(text).matches()) {
			return null;
		}
		try {
			return normalize(InetAddress.getByName(text).getAddress());
		}
		catch (UnknownHostException ex) {
			return null;
		}
	}

	/** IPv4-mapped IPv6 ({@code ::ffff:a.b.c.d}) as the IPv4 address it carries. */
	public static byte[] normalize(byte[] address) {
		if (address.length != 16) {
			return address;
		}
		for (int i = 0; i < 10; i++) {
			if (address[i] != 0) {
				return address;
			}
		}
		if (address[10] != (byte) 0xff || address[11] != (byte) 0xff) {
			return address;
		}
		return new byte[] { address[12], address[13], address[14], address[15] };
	}

	private record Cidr(byte[] network, int prefix) {

		static Cidr parse(String entry) {
			String value = entry.trim();
			int slash = value.indexOf('/');
			byte[] address = literal((slash < 0) ? value : value.substring(0, slash));
			int prefix = (slash < 0) ? address.length * 8 : Integer.parseInt(value.substring(slash + 1));
			return new Cidr(address, prefix);
		}

		boolean contains(byte[] address) {
			if (address.length != this.network.length) {
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

	}

}
