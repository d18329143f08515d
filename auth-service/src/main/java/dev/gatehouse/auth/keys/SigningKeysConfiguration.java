package dev.gatehouse.auth.keys;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.Key;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.interfaces.ECKey;
import java.security.interfaces.RSAKey;
import java.util.ArrayList;
import java.util.List;

import io.jsonwebtoken.Jwts;
import io.jsonwebtoken.security.Jwks;
import io.jsonwebtoken.security.PrivateJwk;
import io.jsonwebtoken.security.PublicJwk;
import io.jsonwebtoken.security.SecurityException;
import io.jsonwebtoken.security.SignatureAlgorithm;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.gatehouse.auth.AuthProperties;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;
import org.springframework.core.env.Profiles;

/**
 * Loads the signing keys from PEM files. Only the {@code demo} profile may run without a
 * configured key: it generates one once and keeps it in its data directory so restarts
 * keep issued tokens valid.
 */
@Configuration(proxyBeanMethods = false)
class SigningKeysConfiguration {

	static final String KEY_FILE_PROPERTY = "gatehouse.auth.signing.key-file";

	private static final Logger logger = LoggerFactory.getLogger(SigningKeysConfiguration.class);

	@Bean
	SigningKeys signingKeys(AuthProperties properties, Environment environment) {
		AuthProperties.Signing signing = properties.signing();
		SignatureAlgorithm algorithm = algorithm(signing.algorithm());
		Path keyFile = signing.keyFile();
		if (keyFile == null) {
			if (!environment.acceptsProfiles(Profiles.of("demo"))) {
				throw new IllegalStateException("No signing key configured: set " + KEY_FILE_PROPERTY
						+ " (or GATEHOUSE_AUTH_SIGNING_KEY_FILE) to a PEM file holding a PKCS#8 private key, e.g. one made by "
						+ "'openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048'. Only the demo profile generates one.");
			}
			keyFile = demoKey(properties.dataDir().resolve("signing-key.pem"), algorithm);
		}
		SigningKey active = activeKey(keyFile, algorithm);
		List<SigningKey> verificationOnly = new ArrayList<>();
		for (Path file : signing.verificationKeyFiles()) {
			verificationOnly.add(verificationKey(file, algorithm));
		}
		SigningKeys keys = new SigningKeys(active, verificationOnly);
		logger.info("Signing with {}; publishing {} key(s)", active, keys.all().size());
		return keys;
	}

	private static SigningKey activeKey(Path file, SignatureAlgorithm algorithm) {
		Key key = PemKeys.read(file);
		if (!(key instanceof PrivateKey privateKey)) {
			throw new IllegalStateException(
					KEY_FILE_PROPERTY + ": " + file + " holds a public key; the active key must be a private key");
		}
		try {
			// Signing once proves that key and algorithm fit (type, curve, RSA size >=
			// 2048 bits).
			Jwts.builder().subject("probe").signWith(privateKey, algorithm).compact();
		}
		catch (SecurityException ex) {
			throw new IllegalStateException(KEY_FILE_PROPERTY + ": the key in " + file + " cannot sign "
					+ algorithm.getId() + " (gatehouse.auth.signing.algorithm): "
					+ ((ex.getCause() != null) ? ex.getCause().getMessage() : ex.getMessage()));
		}
		PrivateJwk<?, ?, ?> privateJwk = (PrivateJwk<?, ?, ?>) Jwks.builder().key(privateKey).build();
		PublicKey publicKey = privateJwk.toPublicJwk().toKey();
		return new SigningKey(jwk(publicKey, algorithm).getId(), algorithm, publicKey, privateKey,
				jwk(publicKey, algorithm));
	}

	private static SigningKey verificationKey(Path file, SignatureAlgorithm configured) {
		Key key = PemKeys.read(file);
		PublicKey publicKey;
		if (key instanceof PublicKey pub) {
			publicKey = pub;
		}
		else {
			PrivateJwk<?, ?, ?> privateJwk = (PrivateJwk<?, ?, ?>) Jwks.builder().key((PrivateKey) key).build();
			publicKey = privateJwk.toPublicJwk().toKey();
		}
		SignatureAlgorithm algorithm = algorithmFor(publicKey, configured);
		PublicJwk<?> jwk = jwk(publicKey, algorithm);
		return new SigningKey(jwk.getId(), algorithm, publicKey, null, jwk);
	}

	private static PublicJwk<?> jwk(PublicKey key, SignatureAlgorithm algorithm) {
		return Jwks.builder().key(key).algorithm(algorithm.getId()).publicKeyUse("sig").idFromThumbprint().build();
	}

	/**
	 * An old key keeps the configured algorithm when it fits, else the usual one for its
	 * type.
	 */
	private static SignatureAlgorithm algorithmFor(PublicKey key, SignatureAlgorithm configured) {
		if (key instanceof RSAKey) {
			return configured.getId().startsWith("RS") || configured.getId().startsWith("PS") ? configured
					: Jwts.SIG.RS256;
		}
		if (key instanceof ECKey ec) {
			return switch (ec.getParams().getCurve().getField().getFieldSize()) {
				case 256 -> Jwts.SIG.ES256;
				case 384 -> Jwts.SIG.ES384;
				default -> Jwts.SIG.ES512;
			};
		}
		return Jwts.SIG.EdDSA;
	}

	static SignatureAlgorithm algorithm(String id) {
		return (SignatureAlgorithm) Jwts.SIG.get().get(id);
	}

	private static Path demoKey(Path file, SignatureAlgorithm algorithm) {
		if (Files.exists(file)) {
			return file;
		}
		try {
			Files.createDirectories(file.getParent());
			KeyPair pair = algorithm.keyPair().build();
			Path tmp = Files.createTempFile(file.getParent(), "signing-key", ".tmp");
			try {
				Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-------"));
			}
			catch (UnsupportedOperationException ex) {
				// not a POSIX file system: the directory's own protection applies
			}
			Files.writeString(tmp, PemKeys.toPem(pair.getPrivate()), StandardCharsets.US_ASCII,
					StandardOpenOption.TRUNCATE_EXISTING);
			Files.move(tmp, file, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
			logger.warn("Demo profile: generated a {} signing key in {}; never use it in production", algorithm.getId(),
					file);
			return file;
		}
		catch (IOException ex) {
			throw new IllegalStateException("Demo profile: cannot write the generated signing key to " + file
					+ " (gatehouse.auth.data-dir): " + ex.getMessage());
		}
	}

}
