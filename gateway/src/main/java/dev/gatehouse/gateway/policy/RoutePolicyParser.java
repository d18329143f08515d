package dev.gatehouse.gateway.policy;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.springframework.cloud.gateway.handler.predicate.PredicateDefinition;
import org.springframework.cloud.gateway.route.RouteDefinition;

import dev.gatehouse.gateway.ratelimit.RateLimit;
import dev.gatehouse.gateway.ratelimit.RateLimitParser;
import dev.gatehouse.gateway.security.ClaimCondition;
import dev.gatehouse.gateway.security.ClaimConditionParser;
import dev.gatehouse.gateway.security.ClaimPath;

/**
 * Reads a {@link RoutePolicy} from Spring Cloud Gateway route metadata. Strict: an
 * unknown key, a malformed role or scope, or a value of the wrong shape is an error (a
 * typo such as {@code role:} must never silently open a route). A pure function of the
 * route definition: it answers a policy or every problem found, each naming its key.
 * <p>
 * Known keys: {@code auth}, {@code roles}, {@code scopes}, {@code issuers} (each must be
 * a configured issuer), {@code claims} (see {@link ClaimConditionParser}; a
 * {@code "{variable}"} must be one of the route's Path predicate), {@code headers}
 * (header name to claim), {@code forward-token}, plus {@code rate-limit} (read by
 * {@link RateLimitParser}) and Spring Cloud Gateway's own {@code connect-timeout} /
 * {@code response-timeout} (milliseconds), and the protocol keys {@code streaming} (no
 * response timeout), {@code max-request-size} (a data size such as {@code 512MB}) and
 * {@code sender-constrained} (only DPoP-bound tokens, each with its proof). Keys starting
 * with {@code x-} are free for operators' own annotations.
 */
final class RoutePolicyParser {

	static final String AUTH = "auth";

	static final String ROLES = "roles";

	static final String SCOPES = "scopes";

	static final String ISSUERS = "issuers";

	static final String CLAIMS = "claims";

	static final String HEADERS = "headers";

	static final String FORWARD_TOKEN = "forward-token";

	static final String RATE_LIMIT = RateLimitParser.KEY;

	static final String CONNECT_TIMEOUT = "connect-timeout";

	static final String RESPONSE_TIMEOUT = "response-timeout";

	static final String STREAMING = "streaming";

	static final String MAX_REQUEST_SIZE = "max-request-size";

	static final String SENDER_CONSTRAINED = "sender-constrained";

	/** Every metadata key Gatehouse understands. */
	static final Set<String> KNOWN_KEYS = Set.of(AUTH, ROLES, SCOPES, ISSUERS, CLAIMS, HEADERS, FORWARD_TOKEN,
			RATE_LIMIT, CONNECT_TIMEOUT, RESPONSE_TIMEOUT, STREAMING, MAX_REQUEST_SIZE, SENDER_CONSTRAINED);

	/** Same rule as for token roles: they end up in a comma-separated header. */
	private static final Pattern ROLE = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._:-]{0,127}");

	/** RFC 6749 {@code scope-token}. */
	private static final Pattern SCOPE = Pattern.compile("[\\x21\\x23-\\x5B\\x5D-\\x7E]{1,128}");

	/** RFC 9110 {@code token}: a header field name. */
	private static final Pattern HEADER_NAME = Pattern.compile("[!#$%&'*+.^_`|~0-9A-Za-z-]{1,64}");

	/**
	 * Headers the gateway itself decides (or that frame the request): a claim may not set
	 * them.
	 */
	private static final Set<String> RESERVED_HEADERS = Set.of("authorization", "host", "content-length",
			"content-type", "transfer-encoding", "connection", "upgrade", "te", "trailer", "keep-alive",
			"proxy-authorization", "proxy-connection", "cookie", "forwarded", "x-request-id", "x-forwarded-for",
			"x-forwarded-proto", "x-forwarded-host", "x-forwarded-port", "x-forwarded-prefix", "expect", "dpop");

	/** Most claim headers per route. */
	private static final int MAX_HEADERS = 16;

	/**
	 * A URI variable in a Spring path pattern: {@code {name}}, {@code {name:regex}},
	 * {@code {*name}}.
	 */
	private static final Pattern PATH_VARIABLE = Pattern.compile("\\{\\*?([A-Za-z_][A-Za-z0-9_]*)(?::[^}]*)?\\}");

	private final Set<String> configuredIssuers;

	/**
	 * @param configuredIssuers the {@code iss} of every issuer the gateway trusts; an
	 * {@code issuers} entry must be one of them
	 */
	RoutePolicyParser(Set<String> configuredIssuers) {
		this.configuredIssuers = Set.copyOf(configuredIssuers);
	}

	/**
	 * The outcome of reading one route.
	 *
	 * @param policy the policy ({@code null} when there are problems)
	 * @param problems each as {@code key: message}, the key relative to {@code metadata}
	 */
	record Result(RoutePolicy policy, List<String> problems) {

		Result {
			problems = List.copyOf(problems);
		}

	}

	/**
	 * @param route a route definition (metadata and predicates)
	 * @return its policy, or every problem of its metadata
	 */
	Result parseRoute(RouteDefinition route) {
		return parse(route.getMetadata(), uriVariables(route.getPredicates()));
	}

	/**
	 * @param metadata route metadata (may be {@code null})
	 * @param uriVariables the URI variables of the route's Path predicate, or
	 * {@code null} when unknown (then a {@code "{variable}"} is not checked here and
	 * never matches if the path defines none)
	 * @return its policy, or every problem
	 */
	Result parse(Map<String, Object> metadata, Set<String> uriVariables) {
		if (metadata == null || metadata.isEmpty()) {
			return new Result(RoutePolicy.AUTHENTICATED, List.of());
		}
		List<String> problems = new ArrayList<>();
		for (String key : metadata.keySet()) {
			if (!KNOWN_KEYS.contains(key) && !key.startsWith("x-")) {
				problems.add(key + ": unknown policy key; known keys are " + new TreeSet<>(KNOWN_KEYS));
			}
		}
		boolean publicAccess = parseAuth(metadata.get(AUTH), problems);
		List<String> roles = parseNames(ROLES, metadata.get(ROLES), ROLE, "a role name ([A-Za-z0-9._:-], no commas)",
				problems);
		List<String> scopes = parseNames(SCOPES, metadata.get(SCOPES), SCOPE, "an RFC 6749 scope token", problems);
		Set<String> issuers = parseIssuers(metadata.get(ISSUERS), problems);
		boolean forwardToken = parseBoolean(FORWARD_TOKEN, metadata.get(FORWARD_TOKEN), problems);
		List<ClaimCondition> claims = metadata.containsKey(CLAIMS)
				? ClaimConditionParser.parse(CLAIMS, metadata.get(CLAIMS), uriVariables, problems) : List.of();
		List<ClaimHeader> headers = parseHeaders(metadata.get(HEADERS), problems);
		if (publicAccess && (!roles.isEmpty() || !scopes.isEmpty() || !issuers.isEmpty() || metadata.containsKey(CLAIMS)
				|| metadata.containsKey(HEADERS))) {
			problems.add(AUTH + ": a public route cannot require roles, scopes, issuers or claims, nor send claim "
					+ "headers");
		}
		boolean senderConstrained = parseBoolean(SENDER_CONSTRAINED, metadata.get(SENDER_CONSTRAINED), problems);
		if (publicAccess && senderConstrained) {
			problems.add(SENDER_CONSTRAINED + ": a public route takes no token at all; remove one of auth: public "
					+ "and sender-constrained: true");
		}
		parseMillis(CONNECT_TIMEOUT, metadata.get(CONNECT_TIMEOUT), problems);
		parseMillis(RESPONSE_TIMEOUT, metadata.get(RESPONSE_TIMEOUT), problems);
		if (parseBoolean(STREAMING, metadata.get(STREAMING), problems) && metadata.get(RESPONSE_TIMEOUT) != null) {
			problems.add(STREAMING + ": a streaming route has no response timeout; remove " + RESPONSE_TIMEOUT);
		}
		parseDataSize(MAX_REQUEST_SIZE, metadata.get(MAX_REQUEST_SIZE), problems);
		List<RateLimit> rateLimits = RateLimitParser.parse(metadata.get(RATE_LIMIT), uriVariables, problems);
		if (!problems.isEmpty()) {
			return new Result(null, problems);
		}
		return new Result(new RoutePolicy(publicAccess, roles, scopes, forwardToken, rateLimits, issuers, claims,
				headers, senderConstrained), List.of());
	}

	/**
	 * @param metadata route metadata (may be {@code null})
	 * @return the policy
	 * @throws InvalidRoutePolicyException naming the first offending key (the message
	 * lists every problem)
	 */
	RoutePolicy parse(Map<String, Object> metadata) {
		Result result = parse(metadata, null);
		if (result.policy() == null) {
			String first = result.problems().get(0);
			int colon = first.indexOf(": ");
			throw new InvalidRoutePolicyException(first.substring(0, colon),
					first.substring(colon + 2) + ((result.problems().size() > 1)
							? " (and " + (result.problems().size() - 1) + " more: "
									+ String.join("; ", result.problems().subList(1, result.problems().size())) + ")"
							: ""));
		}
		return result.policy();
	}

	/** The URI variable names of the route's {@code Path} predicates. */
	static Set<String> uriVariables(List<PredicateDefinition> predicates) {
		Set<String> names = new LinkedHashSet<>();
		if (predicates == null) {
			return names;
		}
		for (PredicateDefinition predicate : predicates) {
			if (!"Path".equals(predicate.getName()) || predicate.getArgs() == null) {
				continue;
			}
			for (String pattern : predicate.getArgs().values()) {
				Matcher matcher = PATH_VARIABLE.matcher((pattern != null) ? pattern : "");
				while (matcher.find()) {
					names.add(matcher.group(1));
				}
			}
		}
		return names;
	}

	/** A non-empty list of configured issuers; absent: every configured issuer. */
	private Set<String> parseIssuers(Object value, List<String> problems) {
		if (value == null) {
			return Set.of();
		}
		boolean list = value instanceof Collection<?> || (value instanceof Map<?, ?> map && isIndexed(map));
		List<Object> items = list ? asList(value) : List.of();
		if (items.isEmpty()) {
			problems.add(ISSUERS + ": must be a non-empty list of configured issuers "
					+ "(omit the key to accept every configured issuer)");
			return Set.of();
		}
		Set<String> issuers = new HashSet<>();
		for (int i = 0; i < items.size(); i++) {
			Object item = items.get(i);
			if (!(item instanceof String issuer) || !this.configuredIssuers.contains(issuer)) {
				problems.add(ISSUERS + "[" + i + "]: '" + item
						+ "' is not a configured issuer (gatehouse.gateway.issuers[*].issuer, compared exactly)");
				continue;
			}
			issuers.add(issuer);
		}
		return issuers;
	}

	/**
	 * {@code headers: { X-Tenant: tenant }}: header name to claim (or dotted path). A
	 * header may appear once, and none of the gateway's own ({@code X-Auth-*},
	 * {@code X-Forwarded-*}, {@code Authorization}, ...).
	 */
	private static List<ClaimHeader> parseHeaders(Object value, List<String> problems) {
		if (value == null) {
			return List.of();
		}
		if (!(value instanceof Map<?, ?> map) || map.isEmpty() || isIndexed(map)) {
			problems.add(HEADERS + ": must be a non-empty map of header name to claim name");
			return List.of();
		}
		if (map.size() > MAX_HEADERS) {
			problems.add(HEADERS + ": at most " + MAX_HEADERS + " headers");
			return List.of();
		}
		List<ClaimHeader> headers = new ArrayList<>();
		Set<String> seen = new HashSet<>();
		for (Map.Entry<?, ?> entry : map.entrySet()) {
			String name = String.valueOf(entry.getKey());
			String key = HEADERS + "." + name;
			String lower = name.toLowerCase(Locale.ROOT);
			if (!HEADER_NAME.matcher(name).matches()) {
				problems.add(key + ": not a header name (RFC 9110 token, at most 64 characters)");
				continue;
			}
			if (lower.startsWith("x-auth-") || RESERVED_HEADERS.contains(lower)) {
				problems.add(key + ": the gateway sets this header itself; choose another name");
				continue;
			}
			if (!seen.add(lower)) {
				problems.add(key + ": named twice (header names ignore case)");
				continue;
			}
			if (!(entry.getValue() instanceof String claim)) {
				problems.add(key + ": must name one claim (or a dotted path)");
				continue;
			}
			try {
				headers.add(new ClaimHeader(name, ClaimPath.of(claim)));
			}
			catch (IllegalArgumentException ex) {
				problems.add(key + ": " + ex.getMessage());
			}
		}
		return headers;
	}

	private static boolean parseAuth(Object value, List<String> problems) {
		if (value == null || "authenticated".equals(value)) {
			return false;
		}
		if ("public".equals(value)) {
			return true;
		}
		problems.add(AUTH + ": must be 'public' or 'authenticated', was '" + value + "'");
		return false;
	}

	private static boolean parseBoolean(String key, Object value, List<String> problems) {
		if (value == null) {
			return false;
		}
		if (value instanceof Boolean bool) {
			return bool;
		}
		if ("true".equals(value) || "false".equals(value)) {
			return Boolean.parseBoolean((String) value);
		}
		problems.add(key + ": must be true or false, was '" + value + "'");
		return false;
	}

	private static List<String> parseNames(String key, Object value, Pattern pattern, String expected,
			List<String> problems) {
		List<String> names = new ArrayList<>();
		List<Object> items = asList(value);
		if (items == null) {
			problems.add(key + ": must be a list");
			return names;
		}
		for (int i = 0; i < items.size(); i++) {
			Object item = items.get(i);
			if (!(item instanceof String name) || !pattern.matcher(name).matches()) {
				problems.add(key + "[" + i + "]: '" + item + "' is not " + expected);
				continue;
			}
			names.add(name);
		}
		return names;
	}

	/**
	 * A YAML list arrives as a {@link List}, or, through property binding, as a map keyed
	 * "0", "1", ...; a single string is a one-element list; {@code null} for anything
	 * else.
	 */
	private static List<Object> asList(Object value) {
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
		return null;
	}

	private static boolean isIndexed(Map<?, ?> map) {
		return !map.isEmpty() && map.keySet().stream().allMatch((k) -> k.toString().matches("\\d{1,4}"));
	}

	private static void parseMillis(String key, Object value, List<String> problems) {
		if (value == null || value instanceof Integer || value instanceof Long) {
			return;
		}
		if (value instanceof String text && text.matches("-?\\d{1,10}")) {
			return;
		}
		problems.add(key + ": must be a number of milliseconds, was '" + value + "'");
	}

	private static void parseDataSize(String key, Object value, List<String> problems) {
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
		problems.add(key + ": must be a positive data size such as 512MB, was '" + value + "'");
	}

}
