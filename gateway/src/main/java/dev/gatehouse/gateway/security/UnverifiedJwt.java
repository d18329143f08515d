package dev.gatehouse.gateway.security;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

import tools.jackson.core.JacksonException;
import tools.jackson.core.StreamReadFeature;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import dev.gatehouse.gateway.security.TokenRejectedException.Reason;

/**
 * A compact JWS decoded once, <em>not yet verified</em>: the header picks the issuer and
 * key, the claims are pre-checked, then {@link IssuerVerifier#verifySignature} checks the
 * signature over {@link #signingInput()} and the same claims become the verified token.
 *
 * @param header JOSE header
 * @param claims claims set
 * @param token the compact serialization as received
 * @param signingInputEnd index of the second {@code .}: the JWS signing input is
 * {@code token[0, signingInputEnd)}
 */
record UnverifiedJwt(JsonNode header, JsonNode claims, String token, int signingInputEnd) {

	/** Longest token accepted; real access tokens are far below this. */
	static final int MAX_TOKEN_LENGTH = 8192;

	/** Duplicate JSON members are refused so that no two parsers can disagree. */
	private static final JsonMapper JSON = JsonMapper.builder()
		.enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
		// 1e400 must stay a (huge) number instead of becoming Infinity
		.enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
		.build();

	private static final Base64.Decoder BASE64URL = Base64.getUrlDecoder();

	static UnverifiedJwt parse(String token) {
		if (token == null || token.isEmpty() || token.length() > MAX_TOKEN_LENGTH) {
			throw new TokenRejectedException(Reason.MALFORMED, "length");
		}
		int first = token.indexOf('.');
		int second = (first < 0) ? -1 : token.indexOf('.', first + 1);
		if (first < 0 || second < 0 || token.indexOf('.', second + 1) >= 0) {
			throw new TokenRejectedException(Reason.MALFORMED, "expected three segments");
		}
		if (first == 0 || second == first + 1) {
			throw new TokenRejectedException(Reason.MALFORMED, "empty segment");
		}
		if (second == token.length() - 1) {
			throw new TokenRejectedException(Reason.MALFORMED, "missing signature");
		}
		for (int i = 0; i < token.length(); i++) {
			char c = token.charAt(i);
			boolean base64url = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-'
					|| c == '_' || c == '.';
			if (!base64url) {
				throw new TokenRejectedException(Reason.MALFORMED, "not base64url");
			}
		}
		JsonNode header = decodeObject(token.substring(0, first), "header");
		JsonNode claims = decodeObject(token.substring(first + 1, second), "payload");
		return new UnverifiedJwt(header, claims, token, second);
	}

	/**
	 * The JWS signing input, {@code BASE64URL(header) '.' BASE64URL(payload)}, as the
	 * ASCII bytes the signature covers.
	 */
	byte[] signingInput() {
		// every character was checked to be base64url or '.': one ASCII byte each
		return this.token.substring(0, this.signingInputEnd).getBytes(StandardCharsets.US_ASCII);
	}

	/** The decoded signature. */
	byte[] signature() {
		try {
			return BASE64URL.decode(this.token.substring(this.signingInputEnd + 1));
		}
		catch (IllegalArgumentException ex) {
			throw new TokenRejectedException(Reason.MALFORMED, "signature is not valid base64url");
		}
	}

	private static JsonNode decodeObject(String segment, String what) {
		try {
			JsonNode node = JSON.readTree(BASE64URL.decode(segment));
			if (node == null || !node.isObject()) {
				throw new TokenRejectedException(Reason.MALFORMED, what + " is not a JSON object");
			}
			return node;
		}
		catch (IllegalArgumentException | JacksonException ex) {
			throw new TokenRejectedException(Reason.MALFORMED, what + " is not valid base64url JSON");
		}
	}

	/** A string header parameter, or {@code null}; a non-string value is malformed. */
	String headerString(String name) {
		return string(this.header, name, Reason.MALFORMED);
	}

	/** A string claim, or {@code null}; a non-string value is an invalid claim. */
	String claimString(String name) {
		return string(this.claims, name, Reason.INVALID_CLAIM);
	}

	private static String string(JsonNode node, String name, Reason reason) {
		JsonNode value = node.get(name);
		if (value == null || value.isNull()) {
			return null;
		}
		if (!value.isString()) {
			throw new TokenRejectedException(reason, name + " must be a string");
		}
		return value.stringValue();
	}

}
