package dev.gatehouse.gateway.security;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;
import java.util.List;

/**
 * Reads a PEM {@code PUBLIC KEY} (X.509 SubjectPublicKeyInfo) holding an RSA, EC or
 * Ed25519/Ed448 key. Used at start-up only.
 */
final class PemPublicKeyReader {

	private static final String BEGIN = "-----BEGIN PUBLIC KEY-----";

	private static final String END = "-----END PUBLIC KEY-----";

	private static final List<String> KEY_ALGORITHMS = List.of("RSA", "EC", "EdDSA");

	private PemPublicKeyReader() {
	}

	static PublicKey read(Path path) {
		String pem;
		try {
			pem = Files.readString(path, StandardCharsets.US_ASCII);
		}
		catch (IOException ex) {
			throw new UncheckedIOException("cannot read public key file " + path, ex);
		}
		return parse(pem);
	}

	static PublicKey parse(String pem) {
		int begin = pem.indexOf(BEGIN);
		int end = pem.indexOf(END);
		if (begin < 0 || end < begin) {
			throw new IllegalArgumentException("not a PEM '" + BEGIN + "' block");
		}
		byte[] der;
		try {
			der = Base64.getMimeDecoder().decode(pem.substring(begin + BEGIN.length(), end));
		}
		catch (IllegalArgumentException ex) {
			throw new IllegalArgumentException("PEM body is not base64", ex);
		}
		for (String algorithm : KEY_ALGORITHMS) {
			try {
				return KeyFactory.getInstance(algorithm).generatePublic(new X509EncodedKeySpec(der));
			}
			catch (GeneralSecurityException ex) {
				// try the next key type
			}
		}
		throw new IllegalArgumentException("PEM holds no RSA, EC or EdDSA public key");
	}

}
