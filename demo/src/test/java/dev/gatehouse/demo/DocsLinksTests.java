package dev.gatehouse.demo;

import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The documentation stays navigable: every relative markdown link in README.md and
 * docs/*.md points at a file of the repository (and, for {@code file.md#anchor}, at a
 * heading of that file, slugged as GitHub does), nothing points out of the repository,
 * and the README stays a five-minute read. External http(s) links are not checked.
 */
class DocsLinksTests {

	static final int README_MAX_LINES = 250;

	/**
	 * {@code [text](target)} or {@code ![alt](target "title")}; the target has no spaces.
	 */
	private static final Pattern LINK = Pattern
		.compile("\\[[^\\]]*\\]\\(\\s*<?([^)\\s>]+)>?(?:\\s+\"[^\"]*\")?\\s*\\)");

	private static final Pattern HEADING = Pattern.compile("^ {0,3}(#{1,6})\\s+(.*?)\\s*#*\\s*$");

	private static final Pattern INLINE_CODE = Pattern.compile("(`+).*?\\1");

	@Test
	void everyRelativeLinkOfTheReadmeAndTheDocsResolvesInsideTheRepository() throws IOException {
		Path root = RepositoryFiles.root();
		List<Path> files = documents(root);
		assertThat(files).as("README.md and docs/*.md").hasSizeGreaterThan(1);
		List<String> broken = new ArrayList<>();
		for (Path file : files) {
			broken.addAll(brokenLinks(root, file));
		}
		assertThat(broken).as("broken links").isEmpty();
	}

	@Test
	void theReadmeIsAFiveMinuteReadWithTheTestCommand() throws IOException {
		Path readme = RepositoryFiles.root().resolve("README.md");
		List<String> lines = Files.readAllLines(readme, StandardCharsets.UTF_8);
		assertThat(lines).as("README.md lines").hasSizeLessThanOrEqualTo(README_MAX_LINES);
		assertThat(String.join("\n", lines)).contains("./mvnw verify");
	}

	@Test
	void aLinkToAMissingFileIsReported(@TempDir Path root) throws IOException {
		Path readme = write(root, "README.md", "# Title\n\nSee [the docs](docs/missing.md) and [ok](README.md).\n");
		assertThat(brokenLinks(root, readme)).singleElement().asString().contains("docs/missing.md");
	}

	@Test
	void aLinkToAMissingAnchorIsReported(@TempDir Path root) throws IOException {
		write(root, "docs/a.md", "# A page\n\n## Rate limits (per route)\n\n```yaml\n# not a heading\n```\n");
		Path readme = write(root, "README.md",
				"[ok](docs/a.md#rate-limits-per-route) [ok too](docs/a.md#a-page) [bad](docs/a.md#not-a-heading)\n");
		assertThat(brokenLinks(root, readme)).singleElement().asString().contains("#not-a-heading");
	}

	@Test
	void aLinkOutOfTheRepositoryIsReportedEvenWhenTheFileExists(@TempDir Path parent) throws IOException {
		Path root = Files.createDirectories(parent.resolve("repo"));
		write(parent, "shared/CONTRACT.md", "# Contract\n");
		Path doc = write(root, "docs/a.md", "[contract](../../shared/CONTRACT.md) [readme](../README.md)\n");
		write(root, "README.md", "# Readme\n");
		assertThat(brokenLinks(root, doc)).singleElement().asString().contains("../../shared/CONTRACT.md");
	}

	@Test
	void externalLinksAndLinksInCodeAreNotChecked(@TempDir Path root) throws IOException {
		Path readme = write(root, "README.md", "# T\n\n[issue](https://github.com/x/y/issues/1) `[x](nowhere.md)`\n"
				+ "```\n[y](nowhere.md)\n```\n[same page](#t)\n");
		assertThat(brokenLinks(root, readme)).isEmpty();
	}

	@Test
	void headingsAreSluggedAsGitHubDoes() {
		assertThat(slug("Configuration (`gatehouse.auth.*`)")).isEqualTo("configuration-gatehouseauth");
		assertThat(slug("Known upstream issue: keep-alive stall in Reactor Netty 1.3.6"))
			.isEqualTo("known-upstream-issue-keep-alive-stall-in-reactor-netty-136");
		assertThat(slug("1. Build the jars")).isEqualTo("1-build-the-jars");
		assertThat(slug("auth_service & [gateway](gateway.md)")).isEqualTo("auth_service--gateway");
	}

	// --- the checker

	static List<String> brokenLinks(Path root, Path file) throws IOException {
		List<String> broken = new ArrayList<>();
		Path base = root.toAbsolutePath().normalize();
		String name = base.relativize(file.toAbsolutePath().normalize()).toString();
		int lineNumber = 0;
		for (String line : proseLines(file)) {
			lineNumber++;
			if (line == null) {
				continue;
			}
			Matcher link = LINK.matcher(INLINE_CODE.matcher(line).replaceAll(""));
			while (link.find()) {
				String target = link.group(1);
				String problem = problem(base, file.toAbsolutePath().normalize(), target);
				if (problem != null) {
					broken.add(name + ":" + lineNumber + ": " + target + " (" + problem + ")");
				}
			}
		}
		return broken;
	}

	private static String problem(Path root, Path file, String target) throws IOException {
		String lower = target.toLowerCase(Locale.ROOT);
		if (lower.startsWith("http://") || lower.startsWith("https://") || lower.startsWith("mailto:")) {
			return null;
		}
		if (lower.matches("[a-z][a-z0-9+.-]*:.*")) {
			return "not a relative link";
		}
		int hash = target.indexOf('#');
		String path = (hash < 0) ? target : target.substring(0, hash);
		String anchor = (hash < 0) ? null : target.substring(hash + 1);
		Path resolved;
		if (path.isEmpty()) {
			resolved = file;
		}
		else {
			path = URLDecoder.decode(path.replace("+", "%2B"), StandardCharsets.UTF_8);
			resolved = (path.startsWith("/") ? root.resolve(path.substring(1)) : file.getParent().resolve(path))
				.normalize();
		}
		if (!resolved.startsWith(root)) {
			return "points out of the repository";
		}
		if (!Files.exists(resolved)) {
			return "no such file";
		}
		if (anchor != null && !anchor.isEmpty()) {
			if (!resolved.getFileName().toString().endsWith(".md") || Files.isDirectory(resolved)) {
				return "anchor on a file that is not markdown";
			}
			if (!anchors(resolved).contains(anchor)) {
				return "no heading with anchor #" + anchor + " in " + root.relativize(resolved);
			}
		}
		return null;
	}

	/**
	 * The anchors GitHub gives the headings of a markdown file (duplicates get
	 * {@code -1}, {@code -2}, ...).
	 */
	static Set<String> anchors(Path file) throws IOException {
		Set<String> anchors = new LinkedHashSet<>();
		Map<String, Integer> seen = new HashMap<>();
		for (String line : proseLines(file)) {
			if (line == null) {
				continue;
			}
			Matcher heading = HEADING.matcher(line);
			if (heading.matches()) {
				String slug = slug(heading.group(2));
				int count = seen.merge(slug, 1, Integer::sum);
				anchors.add((count == 1) ? slug : slug + "-" + (count - 1));
			}
		}
		return anchors;
	}

	/**
	 * GitHub's heading slug: link text only, lower case, punctuation but '-' and '_'
	 * dropped, spaces to '-'.
	 */
	static String slug(String heading) {
		String text = heading.replaceAll("!?\\[([^\\]]*)\\]\\([^)]*\\)", "$1");
		StringBuilder slug = new StringBuilder();
		text.toLowerCase(Locale.ROOT).codePoints().forEach((c) -> {
			if (c == ' ') {
				slug.append('-');
			}
			else if (c == '-' || c == '_' || Character.isLetterOrDigit(c)) {
				slug.appendCodePoint(c);
			}
		});
		return slug.toString();
	}

	/**
	 * The file's lines, with {@code null} for the lines of fenced code blocks (fences
	 * included).
	 */
	private static List<String> proseLines(Path file) throws IOException {
		List<String> lines = new ArrayList<>();
		String fence = null;
		for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
			String trimmed = line.stripLeading();
			if (fence == null && (trimmed.startsWith("```") || trimmed.startsWith("~~~"))) {
				fence = trimmed.substring(0, 3);
				lines.add(null);
			}
			else if (fence != null) {
				if (trimmed.startsWith(fence)) {
					fence = null;
				}
				lines.add(null);
			}
			else {
				lines.add(line);
			}
		}
		return lines;
	}

	private static List<Path> documents(Path root) throws IOException {
		List<Path> files = new ArrayList<>();
		files.add(root.resolve("README.md"));
		try (Stream<Path> docs = Files.list(root.resolve("docs"))) {
			docs.filter((p) -> p.getFileName().toString().endsWith(".md")).sorted().forEach(files::add);
		}
		return files;
	}

	private static Path write(Path root, String name, String content) throws IOException {
		Path file = root.resolve(name);
		Files.createDirectories(file.getParent());
		return Files.writeString(file, content, StandardCharsets.UTF_8);
	}

}
