package dev.gatehouse.auth.keys;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The active signing key plus every verification-only key; all of them are published and
 * accepted.
 */
public final class SigningKeys {

	private final SigningKey active;

	private final Map<String, SigningKey> byKid;

	SigningKeys(SigningKey active, List<SigningKey> verificationOnly) {
		this.active = active;
		Map<String, SigningKey> keys = new LinkedHashMap<>();
		keys.put(active.kid(), active);
		verificationOnly.forEach((key) -> keys.putIfAbsent(key.kid(), key));
		this.byKid = Collections.unmodifiableMap(keys);
	}

	public SigningKey active() {
		return this.active;
	}

	/**
	 * The key with this {@code kid}, or {@code null}. Only ever a lookup: the token's
	 * header never supplies a key.
	 */
	public SigningKey find(String kid) {
		return (kid != null) ? this.byKid.get(kid) : null;
	}

	public List<SigningKey> all() {
		return List.copyOf(this.byKid.values());
	}

}
