package dev.gatehouse.gateway.security;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Reads claim conditions from route metadata ({@code claims:}, a rate limit's
 * {@code when:}). A pure function: metadata in, conditions or problems out; every problem
 * is reported, not only the first. <pre>
 * claims:
 *   tenant: "{tenant}"                  # equals the Path predicate's URI variable
 *   plan: [gold, silver]                # one of
 *   email: { matches: ".*@example\\.com" }   # anchored regular expression
 *   org.id: acme                        # dotted path into nested claims
 *   level: { equals: "3" }              # explicit form of equals (also one-of)
 * </pre> Spring Boot's binder turns {@code org.id: acme} into the nested map {@code org:
 * {id: acme}}; both shapes read the same. A map whose keys include an operator-like word
 * is an operator, so a misspelt operator ({@code match:}) is an error instead of a
 * condition on a claim named {@code email.match}.
 */
public final class ClaimConditionParser {

	/** The operators of the map form. */
	public static final Set<String> OPERATORS = Set.of("equals", "one-of", "matches");

	/**
	 * Words refused as the last segment of a claim path: they are (misspelt) operators.
	 */
	private static final Set<String> OPERATOR_LIKE = Set.of("equals", "one-of", "matches", "match", "regex", "pattern",
			"equal", "eq", "is", "in", "one_of", "oneof", "oneOf", "any-of", "anyOf", "not", "ne", "not-equals",
			"contains", "exists", "prefix", "starts-with", "startsWith", "suffix", "ends-with", "endsWith", "glob",
			"like", "lt", "gt", "le", "ge");

	private static final Pattern URI_VARIABLE = Pattern.compile("\\{([A-Za-z_][A-Za-z0-9_]*)\\}");

	/** A value compared with claims: printable, bounded. */
	private static final Pattern VALUE = Pattern.compile("[^\\p{Cntrl}]{1,1024}");

	/** Most conditions in one {@code claims:} or {@code when:}. */
	static final int MAX_CONDITIONS = 32;

	private ClaimConditionParser() {
	}

	/**
	 * @param key where the conditions are, for messages (e.g. {@code claims})
	 * @param value the metadata value: a map of claim path to condition
	 * @param uriVariables the URI variables the route's Path predicate defines, or
	 * {@code null} when unknown (a route seen only at request time: a missing variable
	 * then never matches)
	 * @param problems where each problem is added as {@code key: message}
	 * @return the conditions that could be read
	 */
	public static List<ClaimCondition> parse(String key, Object value, Set<String> uriVariables,
			List<String> problems) {
		if (!(value instanceof Map<?, ?> map) || map.isEmpty() || isIndexed(map)) {
			problems.add(key + ": must be a non-empty map of claim name (or dotted path) to condition");
			return List.of();
		}
		Map<String, Object> flat = new LinkedHashMap<>();
		flatten(key, "", map, flat, problems, 0);
		if (flat.size() > MAX_CONDITIONS) {
			problems.add(key + ": at most " + MAX_CONDITIONS + " conditions");
			return List.of();
		}
		List<ClaimCondition> conditions = new ArrayList<>();
		flat.forEach((path, spec) -> {
			ClaimCondition condition = condition(key + "." + path, path, spec, uriVariables, problems);
			if (condition != null) {
				conditions.add(condition);
			}
		});
		return List.copyOf(conditions);
	}

	private static void flatten(String key, String prefix, Map<?, ?> map, Map<String, Object> flat,
			List<String> problems, int depth) {
		for (Map.Entry<?, ?> entry : map.entrySet()) {
			String path = prefix.isEmpty() ? String.valueOf(entry.getKey()) : prefix + "." + entry.getKey();
			Object spec = entry.getValue();
			if (spec instanceof Map<?, ?> nested && !nested.isEmpty() && !isIndexed(nested) && !isOperatorMap(nested)) {
				if (depth >= ClaimPath.MAX_SEGMENTS) {
					problems
						.add(key + "." + path + ": a claim path has at most " + ClaimPath.MAX_SEGMENTS + " segments");
					continue;
				}
				flatten(key, path, nested, flat, problems, depth + 1);
			}
			else {
				flat.put(path, spec);
			}
		}
	}

	private static boolean isOperatorMap(Map<?, ?> map) {
		for (Object name : map.keySet()) {
			if (OPERATOR_LIKE.contains(String.valueOf(name))) {
				return true;
			}
		}
		return false;
	}

	private static ClaimCondition condition(String key, String dotted, Object spec, Set<String> uriVariables,
			List<String> problems) {
		ClaimPath path;
		try {
			path = ClaimPath.of(dotted);
		}
		catch (IllegalArgumentException ex) {
			problems.add(key + ": " + ex.getMessage());
			return null;
		}
		if (OPERATOR_LIKE.contains(path.segments()[path.segments().length - 1])) {
			problems.add(key + ": '" + path.segments()[path.segments().length - 1]
					+ "' is not an operator here; write { matches: ... }, { one-of: [...] } or { equals: ... }");
			return null;
		}
		if (spec instanceof Map<?, ?> map && !isIndexed(map)) {
			if (map.size() != 1) {
				problems.add(key + ": one operator per claim (" + String.join(", ", sorted(OPERATORS)) + ")");
				return null;
			}
			Map.Entry<?, ?> only = map.entrySet().iterator().next();
			String operator = String.valueOf(only.getKey());
			Object operand = only.getValue();
			return switch (operator) {
				case "equals" -> equalsOrVariable(key + ".equals", path, operand, uriVariables, problems);
				case "one-of" -> oneOf(key + ".one-of", path, operand, problems);
				case "matches" -> matches(key + ".matches", path, operand, problems);
				default -> {
					problems.add(key + "." + operator + ": unknown operator; operators are "
							+ String.join(", ", sorted(OPERATORS)));
					yield null;
				}
			};
		}
		if (spec instanceof Collection<?> || spec instanceof Map<?, ?>) {
			return oneOf(key, path, spec, problems);
		}
		return equalsOrVariable(key, path, spec, uriVariables, problems);
	}

	private static ClaimCondition equalsOrVariable(String key, ClaimPath path, Object operand, Set<String> uriVariables,
			List<String> problems) {
		String value = scalar(key, operand, problems);
		if (value == null) {
			return null;
		}
		Matcher variable = URI_VARIABLE.matcher(value);
		if (variable.matches()) {
			String name = variable.group(1);
			if (uriVariables != null && !uriVariables.contains(name)) {
				problems.add(key + ": the route's Path predicate defines no URI variable {" + name + "}"
						+ (uriVariables.isEmpty() ? "" : " (it defines " + sorted(uriVariables) + ")"));
				return null;
			}
			return new ClaimCondition(path, ClaimCondition.Operator.URI_VARIABLE, name, null, null);
		}
		return new ClaimCondition(path, ClaimCondition.Operator.EQUALS, value, null, null);
	}

	private static ClaimCondition oneOf(String key, ClaimPath path, Object operand, List<String> problems) {
		List<Object> items = asList(operand);
		if (items == null || items.isEmpty()) {
			problems.add(key + ": must be a non-empty list of values");
			return null;
		}
		Set<String> values = new LinkedHashSet<>();
		int before = problems.size();
		for (int i = 0; i < items.size(); i++) {
			String value = scalar(key + "[" + i + "]", items.get(i), problems);
			if (value != null) {
				values.add(value);
			}
		}
		return (problems.size() == before)
				? new ClaimCondition(path, ClaimCondition.Operator.ONE_OF, null, values, null) : null;
	}

	private static ClaimCondition matches(String key, ClaimPath path, Object operand, List<String> problems) {
		String regex = scalar(key, operand, problems);
		if (regex == null) {
			return null;
		}
		try {
			return new ClaimCondition(path, ClaimCondition.Operator.MATCHES, null, null, Pattern.compile(regex));
		}
		catch (PatternSyntaxException ex) {
			problems
				.add(key + ": not a regular expression (" + ex.getDescription() + " near index " + ex.getIndex() + ")");
			return null;
		}
	}

	/** A string, or a YAML number or boolean (read as its text). */
	private static String scalar(String key, Object value, List<String> problems) {
		if (value instanceof String || value instanceof Boolean || value instanceof Integer || value instanceof Long) {
			String text = value.toString();
			if (VALUE.matcher(text).matches()) {
				return text;
			}
		}
		problems.add(key + ": must be a single value (1-1024 characters, no control characters)");
		return null;
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

	private static List<String> sorted(Collection<String> names) {
		return names.stream().sorted().toList();
	}

}
