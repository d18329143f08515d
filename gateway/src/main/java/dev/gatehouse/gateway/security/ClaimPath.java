package dev.gatehouse.gateway.security;

import java.util.Arrays;
import java.util.regex.Pattern;

/**
 * Where a claim sits in a token: a top-level claim ({@code tenant}) or a dotted path into
 * nested objects ({@code org.id}). Split once, when route metadata is read.
 */
public final class ClaimPath {

	/** Most segments a path may have. */
	public static final int MAX_SEGMENTS = 8;

	private static final Pattern SEGMENT = Pattern.compile("[^.\\s\\p{Cntrl}]{1,128}");

	private final String dotted;

	private final String[] segments;

	private ClaimPath(String dotted, String[] segments) {
		this.dotted = dotted;
		this.segments = segments;
	}

	/**
	 * @param dotted the path, segments separated by dots
	 * @return the path
	 * @throws IllegalArgumentException if a segment is empty, too long or holds white
	 * space, or there are more than {@link #MAX_SEGMENTS}
	 */
	public static ClaimPath of(String dotted) {
		String[] segments = dotted.split("\\.", -1);
		if (segments.length > MAX_SEGMENTS) {
			throw new IllegalArgumentException("a claim path has at most " + MAX_SEGMENTS + " segments");
		}
		for (String segment : segments) {
			if (!SEGMENT.matcher(segment).matches()) {
				throw new IllegalArgumentException("'" + dotted
						+ "' is not a claim name or dotted path (1-128 characters per segment, " + "no white space)");
			}
		}
		return new ClaimPath(dotted, segments);
	}

	String[] segments() {
		return this.segments;
	}

	@Override
	public boolean equals(Object other) {
		return other instanceof ClaimPath that && Arrays.equals(this.segments, that.segments);
	}

	@Override
	public int hashCode() {
		return Arrays.hashCode(this.segments);
	}

	/** The dotted form, as written in route metadata. */
	@Override
	public String toString() {
		return this.dotted;
	}

}
