package dev.gatehouse.gateway.policy;

import dev.gatehouse.gateway.ratelimit.RateLimit;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;

import org.springframework.boot.convert.DurationStyle;

/**
 * Reads a {@link RoutePolicy} from Spring Cloud Gateway route metadata. Strict: an
 * unknown key, a malformed role or scope, or a value of the wrong shape is an error (a
 * typo such as {@code role:} must never silently open a route).
 * <p>
 * Known keys: {@code auth}, {@code roles}, {@code scopes}, {@code issuers} (each must be
 * a configured issuer), {@code forward-token}, plus {@code rate-limit} (validated for
 * shape, enforced by the rate limiter) and Spring Cloud Gateway's own
 * {@code connect-timeout} / {@code response-timeout} (milliseconds), and the protocol
 * keys {@code streaming} (no response timeout) and {@code max-request-size} (a data size
 * such as {@code 512MB}). Keys starting with {@code x-} are free for operators' own
 * annotations.
 */
final class RoutePolicyParser {

	static final String AUTH = "auth";

	static final String ROLES = "roles";

	static final String SCOPES = "scopes";

	static final String ISSUERS = "issuers";

	static final String FORWARD_TOKEN = "forward-token";

	static final String RATE_LIMIT = "rate-limit";

	static final String CONNECT_TIMEOUT = "connect-timeout";

	static final String RESPONSE_TIMEOUT = "response-timeout";

	static final String STREAMING = "streaming";

	static final String MAX_REQUEST_SIZE = "max-request-size";

	/** Every metadata key Gatehouse understands. */
	static final Set<String> KNOWN_KEYS = Set.of(AUTH, ROLES, SCOPES, ISSUERS, FORWARD_TOKEN, RATE_LIMIT,
			CONNECT_TIMEOUT, RESPONSE_TIMEOUT, STREAMING, MAX_REQUEST_SIZE);

	/** Same rule as for token roles: they end up in a comma-separated header. */
	private static final Pattern ROLE = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._:-]{0,127}");

	/** RFC 6749 {@code scope-token}. */
	private static final Pattern SCOPE = Pattern.compile("[\\x21\\x23-\\x5B\\x5D-\\x7E]{1,128}");

	private static final Set<String> RATE_LIMIT_KEYS = Set.of("requests", "period", "key", "name");

	private static final Set<String> RATE_LIMIT_KEY_VALUES = Set.of("subject", "ip", "route");

	private final Set<String> configuredIssuers;

	/**
	 * @param configuredIssuers the {@code iss} of every issuer the gateway trusts; an
	 * {@code issuers} entry must be one of them
	 */
	RoutePolicyParser(Set<String> configuredIssuers) {
		this.configuredIssuers = Set.copyOf(configuredIssuers);
	}

	/**
	 * @param metadata route metadata (may be {@code null})
	 * @return the policy
	 * @throws InvalidRoutePolicyException naming the offending key
	 */
	RoutePolicy parse(Map<String, Object> metadata) {
		if (metadata == null || metadata.isEmpty()) {
			return RoutePolicy.AUTHENTICATED;
		}
		for (String key : metadata.keySet()) {
			if (!KNOWN_KEYS.contains(key) && !key.startsWith("x-")) {
				throw new InvalidRoutePolicyException(key,
						"unknown policy key; known keys are " + new java.util.TreeSet<>(KNOWN_KEYS));
			}
		}
		boolean publicAccess = parseAuth(metadata.get(AUTH));
		List<String> roles = parseNames(ROLES, metadata.get(ROLES), ROLE, "a role name ([A-Za-z0-9._:-], no commas)");
		List<String> scopes = parseNames(SCOPES, metadata.get(SCOPES), SCOPE, "an RFC 6749 scope token");
		Set<String> issuers = parseIssuers(metadata.get(ISSUERS));
		boolean forwardToken = parseBoolean(FORWARD_TOKEN, metadata.get(FORWARD_TOKEN));
		if (publicAccess && (!roles.isEmpty() || !scopes.isEmpty() || !issuers.isEmpty())) {
			throw new InvalidRoutePolicyException(AUTH, "a public route cannot require roles, scopes or issuers");
		}
		parseMillis(CONNECT_TIMEOUT, metadata.get(CONNECT_TIMEOUT));
		parseMillis(RESPONSE_TIMEOUT, metadata.get(RESPONSE_TIMEOUT));
		if (parseBoolean(STREAMING, metadata.get(STREAMING)) && metadata.get(RESPONSE_TIMEOUT) != null) {
			throw new InvalidRoutePolicyException(STREAMING,
					"a streaming route has no response timeout; remove " + RESPONSE_TIMEOUT);
		}
		parseDataSize(MAX_REQUEST_SIZE, metadata.get(MAX_REQUEST_SIZE));
		List<RateLimit> rateLimits = parseRateLimits(metadata.get(RATE_LIMIT));
		return new RoutePolicy(publicAccess, roles, scopes, forwardToken, rateLimits, issuers);
	}

	/** A non-empty list of configured issuers; absent: every configured issuer. */
	private Set<String> parseIssuers(Object value) {
		if (value == null) {
			return Set.of();
		}
		boolean list = value instanceof Collection<?> || (value instanceof Map<?, ?> map && isIndexed(map));
		List<Object> items = list ? asList(ISSUERS, value) : List.of();
		if (items.isEmpty()) {
			throw new InvalidRoutePolicyException(ISSUERS, "must be a non-empty list of configured issuers "
					+ "(omit the key to accept every configured issuer)");
		}
		Set<String> issuers = new java.util.HashSet<>();
		for (int i = 0; i < items.size(); i++) {
			Object item = items.get(i);
			if (!(item instanceof String issuer) || !this.configuredIssuers.contains(issuer)) {
				throw new InvalidRoutePolicyException(ISSUERS + "[" + i + "]", "'" + item
						+ "' is not a configured issuer (gatehouse.gateway.issuers[*].issuer, compared exactly)");
			}
			issuers.add(issuer);
		}
		return issuers;
	}

	private static boolean parseAuth(Object value) {
		if (value == null || "authenticated".equals(value)) {
			return false;
		}
		if ("public".equals(value)) {
			return true;
		}
		throw new InvalidRoutePolicyException(AUTH, "must be 'public' or 'authenticated', was '" + value + "'");
	}

	private static boolean parseBoolean(String key, Object value) {
		if (value == null) {
			return false;
		}
		if (value instanceof Boolean bool) {
			return bool;
		}
		if ("true".equals(value) || "false".equals(value)) {
			return Boolean.parseBoolean((String) value);
		}
		throw new InvalidRoutePolicyException(key, "must be true or false, was '" + value + "'");
	}

	private static List<String> parseNames(String key, Object value, Pattern pattern, String expected) {
		List<String> names = new ArrayList<>();
		List<Object> items = asList(key, value);
		for (int i = 0; i < items.size(); i++) {
			Object item = items.get(i);
			if (!(item instanceof String name) || !pattern.matcher(name).matches()) {
				throw new InvalidRoutePolicyException(key + "[" + i + "]", "'" + item + "' is not " + expected);
			}
			names.add(name);
		}
		return names;
	}

	/**
	 * A YAML list arrives as a {@link List}, or, through property binding, as a map keyed
	 * "0", "1", ...; a single string is a one-element list.
	 */
	private static List<Object> asList(String key, Object value) {
		if (value == null) {
			return List.of();
		}
		if (value instanceof Collection<?> collection) {
			return new ArrayList<>(collection);
		}
		if (value instanceof Map<?, ?> map && isIndexed(map)) {
			TreeMap<Integer, Object> sorted = new TreeMap<>();
			map.forEach((k, v) -> sorted.put(Integer.parseInt(k.toString()), v));
			return new ArrayList<>(sorted.values());
		}
		if (value instanceof String text) {
			return List.of(text);
		}
		throw new InvalidRoutePolicyException(key, "must be a list");
	}

	private static boolean isIndexed(Map<?, ?> map) {
		return !map.isEmpty() && map.keySet().stream().allMatch(k -> k.toString().matches("\\d{1,4}"));
	}

	private static void parseMillis(String key, Object value) {
		if (value == null || value instanceof Integer || value instanceof Long) {
			return;
		}
		if (value instanceof String text && text.matches("-?\\d{1,10}")) {
			return;
		}
		throw new InvalidRoutePolicyException(key, "must be a number of milliseconds, was '" + value + "'");
	}

	private static void parseDataSize(String key, Object value) {
		if (value == null) {
			return;
		}
		try {
			if (org.springframework.util.unit.DataSize.parse(value.toString().trim()).toBytes() > 0) {
				return;
			}
		}
		catch (IllegalArgumentException ex) {
			// reported below
		}
		throw new InvalidRoutePolicyException(key, "must be a positive data size such as 512MB, was '" + value + "'");
	}

	private static List<RateLimit> parseRateLimits(Object value) {
		if (value == null) {
			return List.of();
		}
		List<RateLimit> parsed = new java.util.ArrayList<>();
		List<Object> limits = (value instanceof Map<?, ?> map && !isIndexed(map)) ? List.of(value)
				: asList(RATE_LIMIT, value);
		if (limits.isEmpty()) {
			throw new InvalidRoutePolicyException(RATE_LIMIT, "must be one limit or a non-empty list of limits");
		}
		for (int i = 0; i < limits.size(); i++) {
			String key = (limits.size() == 1 && value instanceof Map<?, ?> m && !isIndexed(m)) ? RATE_LIMIT
					: RATE_LIMIT + "[" + i + "]";
			if (!(limits.get(i) instanceof Map<?, ?> limit)) {
				throw new InvalidRoutePolicyException(key, "must be { requests, period, key }");
			}
			for (Object name : limit.keySet()) {
				if (!RATE_LIMIT_KEYS.contains(name.toString())) {
					throw new InvalidRoutePolicyException(key + "." + name,
							"unknown key; known keys are " + new java.util.TreeSet<>(RATE_LIMIT_KEYS));
				}
			}
			Object requests = limit.get("requests");
			if (requests == null || !requests.toString().matches("[1-9]\\d{0,9}")) {
				throw new InvalidRoutePolicyException(key + ".requests", "must be a positive integer");
			}
			Object period = limit.get("period");
			Duration duration;
			try {
				duration = DurationStyle.detectAndParse(String.valueOf(period));
				if (period == null || duration.toMillis() <= 0) {
					throw new IllegalArgumentException();
				}
			}
			catch (IllegalArgumentException ex) {
				throw new InvalidRoutePolicyException(key + ".period", "must be a positive duration such as 60s");
			}
			Object limitKey = limit.get("key");
			if (limitKey != null && !RATE_LIMIT_KEY_VALUES.contains(limitKey.toString())) {
				throw new InvalidRoutePolicyException(key + ".key", "must be subject, ip or route");
			}
			Object name = limit.get("name");
			if (name != null && !name.toString().matches("[A-Za-z0-9._-]{1,64}")) {
				throw new InvalidRoutePolicyException(key + ".name", "must be 1-64 of A-Z a-z 0-9 . _ -");
			}
			String defaultName = (limits.size() == 1) ? "default" : "limit-" + (i + 1);
			parsed
				.add(new RateLimit((name != null) ? name.toString() : defaultName, Long.parseLong(requests.toString()),
						duration, RateLimit.Key.valueOf(((limitKey != null) ? limitKey.toString() : "subject")
							.toUpperCase(java.util.Locale.ROOT))));
		}
		return List.copyOf(parsed);
	}

}
