package dev.gatehouse.gateway.forwarding;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Pattern;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.http.server.reactive.ServerHttpRequest;

/**
 * The gateway's one answer to "who is the client, and whose {@code X-Forwarded-*} is
 * believed". The trusted proxies ({@code gatehouse.gateway.trusted-proxies}) are IPv4 and
 * IPv6 CIDR ranges, a single address meaning /32 or /128; IPv4-mapped IPv6 addresses
 * count as IPv4. Only literal addresses are understood; nothing is ever looked up in DNS.
 * Empty (the default, for a gateway at the edge) trusts nobody.
 * <p>
 * The client's address ({@link #resolve}) is the socket peer; only when the peer is a
 * trusted proxy, the nearest {@code X-Forwarded-For} entry that is not itself a trusted
 * proxy. A client cannot change it by sending {@code X-Forwarded-For}: from an untrusted
 * peer the header is ignored, and entries a client prepends are never reached while a
 * trusted proxy appended the real address after them. An IPv6 client is identified by its
 * /64 (one subscriber's network: a host picks any address in it at will), an IPv4 client
 * (also written IPv4-mapped, {@code ::ffff:a.b.c.d}) by its address.
 */
public final class ClientAddressResolver {

	/** The property that lists them. */
	public static final String PROPERTY = "gatehouse.gateway.trusted-proxies";

	private static final Logger log = LoggerFactory.getLogger(ClientAddressResolver.class);

	private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");

	private static final Pattern IPV6 = Pattern.compile("[0-9A-Fa-f:]+(\\d{1,3}(\\.\\d{1,3}){3})?");

	private final List<Cidr> ranges;

	private final AtomicBoolean warned = new AtomicBoolean();

	private ClientAddressResolver(List<Cidr> ranges) {
		this.ranges = ranges;
	}

	/**
	 * @param entries addresses or CIDR ranges, each already checked by
	 * {@link #problem(String)}
	 * @return the resolver trusting these proxies
	 * @throws IllegalArgumentException naming the property and the first invalid entry
	 */
	public static ClientAddressResolver of(List<String> entries) {
		List<Cidr> ranges = new ArrayList<>(entries.size());
		for (int i = 0; i < entries.size(); i++) {
			String problem = problem(entries.get(i));
			if (problem != null) {
				throw new IllegalArgumentException(PROPERTY + "[" + i + "]: " + problem);
			}
			ranges.add(Cidr.parse(entries.get(i)));
		}
		return new ClientAddressResolver(List.copyOf(ranges));
	}

	/**
	 * @param entry one configured entry
	 * @return what is wrong with it, or {@code null} if it is a valid address or CIDR
	 * range
	 */
	static String problem(String entry) {
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

	/** Whether no proxy is trusted. */
	boolean isEmpty() {
		return this.ranges.isEmpty();
	}

	/**
	 * Whether the socket peer of this request is a trusted proxy. The first
	 * {@code X-Forwarded-For} that arrives from a peer that is not is logged once (peer
	 * address only): it is ignored, and the operator may have meant to list that peer.
	 * @param request the request
	 * @return whether its {@code X-Forwarded-*} headers may be believed
	 */
	boolean trustsPeerOf(ServerHttpRequest request) {
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
	boolean contains(String address) {
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
	 * The client's address, as the key of everything counted per client.
	 * @param request the request
	 * @return the IPv4 address, the IPv6 /64 as {@code 2001:db8:1:2::/64}, what a trusted
	 * proxy wrote if it is no address, or {@code unknown} without a peer
	 */
	public String resolve(ServerHttpRequest request) {
		InetSocketAddress remote = request.getRemoteAddress();
		InetAddress peer = (remote != null) ? remote.getAddress() : null;
		if (peer == null) {
			return "unknown";
		}
		if (!trustsPeerOf(request)) {
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
			if (!contains(hop)) {
				byte[] address = literal(hop);
				// a proxy we trust wrote something that is no address: count it as it is
				return (address != null) ? key(address) : hop;
			}
		}
		// every hop is a trusted proxy: the farthest one is the client
		return forwarded.isEmpty() ? key(peer.getAddress()) : key(literal(withoutPort(forwarded.get(0))));
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
		byte[] normalized = normalize(address);
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

	/**
	 * Parses an IPv4 or IPv6 address literal (IPv6 optionally in brackets); never a host
	 * name, so never a DNS lookup.
	 * @param value the text
	 * @return the address bytes (4 for IPv4 and IPv4-mapped IPv6, else 16), or
	 * {@code null} if it is no literal
	 */
	static byte[] literal(String value) {
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
	static byte[] normalize(byte[] address) {
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

	/** The /64 prefix with its zero interface half shortened: {@code 2001:db8:1:2::}. */
	private static String compressed(Inet6Address prefix) {
		String full = prefix.getHostAddress(); // e.g. 2001:db8:1:2:0:0:0:0
		return full.endsWith(":0:0:0:0") ? full.substring(0, full.length() - "0:0:0:0".length()) + ":" : full;
	}

}
