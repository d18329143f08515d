package dev.gatehouse.gateway.security.dpop;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.ECPublicKeySpec;
import java.security.spec.EdECPublicKeySpec;
import java.security.spec.KeySpec;
import java.security.spec.RSAPublicKeySpec;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Signs and verifies once with every accepted algorithm at start-up: the security
 * providers, their key factories and the curve tables are loaded (file reads,
 * SecureRandom seeding) before the first proof arrives on an event loop.
 */
final class DpopWarmUp {

	private static final byte[] DATA = "gatehouse dpop warm-up".getBytes(StandardCharsets.US_ASCII);

	/** One key pair per key type, made once per JVM (an RSA key takes a while). */
	private static final Map<String, KeyPair> KEYS = new ConcurrentHashMap<>();

	private DpopWarmUp() {
	}

	static void run(List<String> algorithms) {
		ProofKey.sha256("");
		for (String name : algorithms) {
			DpopAlgorithm algorithm = DpopAlgorithm.of(name);
			try {
				KeyPair keys = keys(algorithm);
				Signature signer = algorithm.newSignature();
				signer.initSign(keys.getPrivate());
				signer.update(DATA);
				byte[] signature = signer.sign();
				KeyFactory factory = KeyFactory.getInstance(keys.getPublic().getAlgorithm());
				Class<? extends KeySpec> specType = switch (algorithm) {
					case RS256, PS256 -> RSAPublicKeySpec.class;
					case ES256 -> ECPublicKeySpec.class;
					case EDDSA -> EdECPublicKeySpec.class;
				};
				Signature verifier = algorithm.newSignature();
				verifier.initVerify(factory.generatePublic(factory.getKeySpec(keys.getPublic(), specType)));
				verifier.update(DATA);
				if (!verifier.verify(signature)) {
					throw new IllegalStateException("DPoP " + name + " warm-up signature did not verify");
				}
			}
			catch (GeneralSecurityException ex) {
				throw new IllegalStateException("DPoP algorithm " + name + " is not available in this JVM", ex);
			}
		}
	}

	private static KeyPair keys(DpopAlgorithm algorithm) throws GeneralSecurityException {
		KeyPair keys = KEYS.get(algorithm.keyType());
		if (keys == null) {
			keys = generate(algorithm);
			KEYS.put(algorithm.keyType(), keys);
		}
		return keys;
	}

	private static KeyPair generate(DpopAlgorithm algorithm) throws GeneralSecurityException {
		return switch (algorithm) {
			case RS256, PS256 -> {
				KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
				generator.initialize(2048);
				yield generator.generateKeyPair();
			}
			case ES256 -> {
				KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
				generator.initialize(new ECGenParameterSpec("secp256r1"));
				yield generator.generateKeyPair();
			}
			case EDDSA -> KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
		};
	}

}
