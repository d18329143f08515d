package dev.gatehouse.gateway.security;

import java.security.Key;

/**
 * One fixed key: a PEM public key file or an HMAC secret. The {@code kid} is not used.
 */
final class StaticKeySource implements IssuerKeySource {

	private final Key key;

	StaticKeySource(Key key) {
		this.key = key;
	}

	@Override
	public Key find(String kid, String alg) {
		return this.key;
	}

}
