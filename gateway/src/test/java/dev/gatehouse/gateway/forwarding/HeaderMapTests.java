package dev.gatehouse.gateway.forwarding;

import java.util.ArrayList;
import java.util.ConcurrentModificationException;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;

import org.junit.jupiter.api.Test;

import org.springframework.util.LinkedCaseInsensitiveMap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

class HeaderMapTests {

	private static final String[] NAMES = { "Accept", "Host", "X-Auth-Subject", "Content-Length", "te", "X-A", "X-B",
			"Via", "Cookie", "X-Forwarded-For", "X-Request-Id", "Authorization" };

	@Test
	void behavesAsSpringsCaseInsensitiveMapOverRandomOperations() {
		Random random = new Random(8);
		for (int run = 0; run < 2_000; run++) {
			Map<String, List<String>> expected = new LinkedCaseInsensitiveMap<>(16, Locale.ROOT);
			Map<String, List<String>> actual = new HeaderMap(random.nextInt(3));
			for (int step = 0; step < 40; step++) {
				String name = casing(NAMES[random.nextInt(NAMES.length)], random);
				List<String> value = List.of("v" + random.nextInt(5));
				switch (random.nextInt(7)) {
					case 0, 1 -> assertThat(actual.put(name, value)).isEqualTo(expected.put(name, value));
					case 2 -> assertThat(actual.remove(name)).isEqualTo(expected.remove(name));
					case 3 -> assertThat(actual.computeIfAbsent(name, (n) -> value))
						.isEqualTo(expected.computeIfAbsent(name, (n) -> value));
					case 4 -> {
						Iterator<Map.Entry<String, List<String>>> iterator = actual.entrySet().iterator();
						Iterator<Map.Entry<String, List<String>>> reference = expected.entrySet().iterator();
						while (iterator.hasNext()) {
							Map.Entry<String, List<String>> entry = iterator.next();
							reference.next();
							if (entry.getKey().equalsIgnoreCase(name)) {
								iterator.remove();
								reference.remove();
							}
						}
					}
					case 5 -> {
						assertThat(actual.keySet().remove(name)).isEqualTo(expected.keySet().remove(name));
						if (random.nextInt(10) == 0) {
							actual.clear();
							expected.clear();
						}
					}
					default -> assertThat(actual.getOrDefault(name, List.of()))
						.isEqualTo(expected.getOrDefault(name, List.of()));
				}
				assertThat(actual.containsKey(name)).isEqualTo(expected.containsKey(name));
				assertThat(actual.keySet().contains(name)).isEqualTo(expected.keySet().contains(name));
				assertThat(actual.get(name)).isEqualTo(expected.get(name));
				assertThat(entries(actual)).isEqualTo(entries(expected));
				assertThat(actual).isEqualTo(expected).hasSameHashCodeAs(expected);
			}
		}
	}

	@Test
	void forEachVisitsEveryHeaderInOrderAndNoticesAChangeUnderIt() {
		HeaderMap map = new HeaderMap(1);
		map.put("A", List.of("1"));
		map.put("b", List.of("2"));
		map.put("C", List.of("3"));
		List<String> seen = new ArrayList<>();

		map.forEach((name, values) -> seen.add(name + values));

		assertThat(seen).containsExactly("A[1]", "b[2]", "C[3]");
		assertThatExceptionOfType(ConcurrentModificationException.class)
			.isThrownBy(() -> map.forEach((name, values) -> map.put("D", values)));
	}

	@Test
	void anEntryWritesThroughToTheMap() {
		HeaderMap map = new HeaderMap(4);
		map.put("Accept", List.of("a"));

		map.entrySet().iterator().next().setValue(List.of("b"));

		assertThat(map.get("ACCEPT")).containsExactly("b");
	}

	private static List<String> entries(Map<String, List<String>> map) {
		List<String> entries = new ArrayList<>();
		for (Map.Entry<String, List<String>> entry : map.entrySet()) {
			entries.add(entry.getKey() + "=" + entry.getValue());
		}
		return entries;
	}

	private static String casing(String name, Random random) {
		StringBuilder out = new StringBuilder(name.length());
		for (int i = 0; i < name.length(); i++) {
			char c = name.charAt(i);
			out.append(random.nextInt(4) == 0 ? Character.toUpperCase(c) : c);
		}
		return out.toString();
	}

}
