package dev.gatehouse.gateway.ratelimit;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

import org.springframework.boot.convert.DurationStyle;

import dev.gatehouse.gateway.security.ClaimCondition;
import dev.gatehouse.gateway.security.ClaimConditionParser;
import dev.gatehouse.gateway.security.ClaimPath;

/**
 * Reads a route's {@code rate-limit} metadata: one limit or a list of limits <pre>
 * rate-limit:
 *   - { requests: 100, period: 60s, key: "claim:tenant" }
 *   - { requests: 1000, period: 60s, key: client, when: { plan: gold }, name: gold }
 * </pre> {@code key} is {@code subject} (default), {@code ip}, {@code route},
 * {@code client} or {@code claim:<name>}; {@code when} takes the conditions of route
 * {@code claims}. A pure function, used by the rate limiter itself and by the policy
 * validation at start-up (and on reload): every problem is reported, each naming its key.
 */
public final class RateLimitParser {

	/** The metadata key. */
	public static final String KEY = "rate-limit";

	/** Most plans ({@code when} limits) per route. */
	static final int MAX_PLANS = 8;

	private static final Set<String> LIMIT_KEYS = Set.of("requests", "period", "key", "name", "when");

	private static final Set<String> KEY_VALUES = Set.of("subject", "ip", "route", "client");

	private static final String CLAIM_PREFIX = "claim:";

	private RateLimitParser() {
	}

	/**
	 * @param value the {@code rate-limit} metadata value ({@code null}: no limit)
	 * @param uriVariables the URI variables of the route's Path predicate, or
	 * {@code null} when unknown
	 * @param problems where each problem is added as {@code key: message}
	 * @return the limits that could be read
	 */
	public static List<RateLimit> parse(Object value, Set<String> uriVariables, List<String> problems) {
		if (value == null) {
			return List.of();
		}
		boolean single = value instanceof Map<?, ?> map && !isIndexed(map);
		List<Object> limits = single ? List.of(value) : asList(value);
		if (limits == null || limits.isEmpty()) {
			problems.add(KEY + ": must be one limit or a non-empty list of limits");
			return List.of();
		}
		List<RateLimit> parsed = new ArrayList<>();
		Set<String> names = new HashSet<>();
		int plans = 0;
		for (int i = 0; i < limits.size(); i++) {
			String key = single ? KEY : KEY + "[" + i + "]";
			String defaultName = (limits.size() == 1) ? "default" : "limit-" + (i + 1);
			RateLimit limit = limit(key, limits.get(i), defaultName, uriVariables, problems);
			if (limit == null) {
				continue;
			}
			if (!names.add(limit.name())) {
				problems.add(key + ".name: '" + limit.name() + "' names another limit of this route too");
			}
			if (limit.isPlan() && ++plans == MAX_PLANS + 1) {
				problems.add(key + ".when: at most " + MAX_PLANS + " plans (limits with when) per route");
			}
			parsed.add(limit);
		}
		return List.copyOf(parsed);
	}

	private static RateLimit limit(String key, Object value, String defaultName, Set<String> uriVariables,
			List<String> problems) {
		if (!(value instanceof Map<?, ?> limit) || isIndexed(limit)) {
			problems.add(key + ": must be { requests, period, key }");
			return null;
		}
		int before = problems.size();
		for (Object name : limit.keySet()) {
			if (!LIMIT_KEYS.contains(name.toString())) {
				problems.add(key + "." + name + ": unknown key; known keys are " + new TreeSet<>(LIMIT_KEYS));
			}
		}
		Object requests = limit.get("requests");
		if (requests == null || !requests.toString().matches("[1-9]\\d{0,9}")) {
			problems.add(key + ".requests: must be a positive integer");
		}
		Duration duration = duration(limit.get("period"));
		if (duration == null) {
			problems.add(key + ".period: must be a positive duration such as 60s");
		}
		RateLimit.Key kind = RateLimit.Key.SUBJECT;
		ClaimPath claim = null;
		Object limitKey = limit.get("key");
		if (limitKey != null) {
			String text = limitKey.toString();
			if (KEY_VALUES.contains(text)) {
				kind = RateLimit.Key.valueOf(text.toUpperCase(Locale.ROOT));
			}
			else if (text.startsWith(CLAIM_PREFIX)) {
				try {
					claim = ClaimPath.of(text.substring(CLAIM_PREFIX.length()));
					kind = RateLimit.Key.CLAIM;
				}
				catch (IllegalArgumentException ex) {
					problems.add(key + ".key: " + ex.getMessage());
				}
			}
			else {
				problems.add(key + ".key: must be subject, ip, route, client or claim:<name>");
			}
		}
		Object name = limit.get("name");
		if (name != null && !name.toString().matches("[A-Za-z0-9._-]{1,64}")) {
			problems.add(key + ".name: must be 1-64 of A-Z a-z 0-9 . _ -");
		}
		List<ClaimCondition> when = List.of();
		if (limit.containsKey("when")) {
			when = ClaimConditionParser.parse(key + ".when", limit.get("when"), uriVariables, problems);
		}
		if (problems.size() != before) {
			return null;
		}
		return new RateLimit((name != null) ? name.toString() : defaultName, Long.parseLong(requests.toString()),
				duration, kind, claim, when);
	}

	private static Duration duration(Object period) {
		if (period == null) {
			return null;
		}
		try {
			Duration duration = DurationStyle.detectAndParse(String.valueOf(period));
			return (duration.toMillis() > 0) ? duration : null;
		}
		catch (IllegalArgumentException ex) {
			return null;
		}
	}

	/**
	 * A YAML list arrives as a {@link List}, or, through property binding, as a map keyed
	 * "0", "1", ...
	 */
	private static List<Object> asList(Object value) {
		if (value instanceof Collection<?> collection) {
			return new ArrayList<>(collection);
		}
		if (value instanceof Map<?, ?> map && isIndexed(map)) {
			TreeMap<Integer, Object> sorted = new TreeMap<>();
			map.forEach((k, v) -> sorted.put(Integer.parseInt(k.toString()), v));
			return new ArrayList<>(sorted.values());
		}
		return null;
	}

	private static boolean isIndexed(Map<?, ?> map) {
		return !map.isEmpty() && map.keySet().stream().allMatch((k) -> k.toString().matches("\\d{1,4}"));
	}

}
