package dev.gatehouse.auth.keys;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.Key;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;

/**
 * Reads PKCS#8 private keys (PEM label {@code PRIVATE KEY}) and X.509 public keys (label
 * {@code PUBLIC KEY}) from PEM files, and writes the demo profile's generated key.
 */
final class PemKeys {

	private static final java.util.regex.Pattern PEM = java.util.regex.Pattern
		.compile("-----BEGIN ([A-Z ]+)-----([A-Za-z0-9+/=\\s]+)-----END \\1-----");

	private static final List<String> KEY_ALGORITHMS = List.of("RSA", "EC", "Ed25519", "Ed448");

	private PemKeys() {
	}

	static Key read(Path file) {
		String pem;
		try {
			pem = Files.readString(file, StandardCharsets.US_ASCII);
		}
		catch (IOException ex) {
			throw new IllegalStateException("cannot read key file " + file + ": " + ex.getClass().getSimpleName());
		}
		Matcher matcher = PEM.matcher(pem);
		if (!matcher.find()) {
			throw new IllegalStateException("key file " + file + " holds no PEM block");
		}
		String type = matcher.group(1);
		byte[] der = Base64.getMimeDecoder().decode(matcher.group(2));
		return switch (type) {
			case "PRIVATE KEY" -> decode(file, (factory) -> factory.generatePrivate(new PKCS8EncodedKeySpec(der)));
			case "PUBLIC KEY" -> decode(file, (factory) -> factory.generatePublic(new X509EncodedKeySpec(der)));
			default -> throw new IllegalStateException("key file " + file + " holds a '" + type
					+ "' block; expected 'PRIVATE KEY' (PKCS#8, e.g. openssl genpkey) or 'PUBLIC KEY'");
		};
	}

	static String toPem(PrivateKey key) {
		String label = "PRIVATE KEY";
		return "-----BEGIN " + label + "-----\n"
				+ Base64.getMimeEncoder(64, new byte[] { '\n' }).encodeToString(key.getEncoded()) + "\n-----END "
				+ label + "-----\n";
	}

	private static Key decode(Path file, KeyDecoder decoder) {
		for (String algorithm : KEY_ALGORITHMS) {
			try {
				return decoder.decode(KeyFactory.getInstance(algorithm));
			}
			catch (GeneralSecurityException | IllegalArgumentException ex) {
				// not a key of this algorithm: try the next one
			}
		}
		throw new IllegalStateException("key file " + file + " holds no RSA, EC or EdDSA key");
	}

	@FunctionalInterface
	private interface KeyDecoder {

		Key decode(KeyFactory factory) throws GeneralSecurityException;

	}

}
