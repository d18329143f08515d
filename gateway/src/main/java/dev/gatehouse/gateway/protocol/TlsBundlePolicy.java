package dev.gatehouse.gateway.protocol;

import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.function.BiConsumer;
import java.util.function.Consumer;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.boot.reactor.netty.NettyReactiveWebServerFactory;
import org.springframework.boot.ssl.NoSuchSslBundleException;
import org.springframework.boot.ssl.SslBundle;
import org.springframework.boot.ssl.SslBundles;
import org.springframework.boot.ssl.SslOptions;
import org.springframework.boot.web.server.Ssl;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.core.Ordered;
import org.springframework.util.StringUtils;

import dev.gatehouse.gateway.config.InvalidGatewayConfigurationException;

/**
 * Holds the public port's TLS ({@code server.ssl.bundle}) to the gateway's floor, at
 * start-up and on every certificate reload:
 * <ul>
 * <li>TLS 1.3 and 1.2 only, with forward-secret AEAD cipher suites, unless the bundle's
 * {@code options} name their own (protocols below TLS 1.2 stop start-up);</li>
 * <li>the private key must belong to the certificate: a mismatch stops start-up naming
 * the setting, and a mismatched reload is refused (the previous certificate keeps
 * serving) instead of breaking every handshake.</li>
 * </ul>
 * Spring Boot builds the server's SSL context from {@link SslBundles}; this customizer
 * hands it a view of the registry that applies the floor to the server's bundle.
 */
final class TlsBundlePolicy implements WebServerFactoryCustomizer<NettyReactiveWebServerFactory>, Ordered {

	/** The protocols served when the bundle does not name any. */
	static final Set<String> PROTOCOLS = Set.of("TLSv1.3", "TLSv1.2");

	/**
	 * TLS 1.3 suites, then TLS 1.2 ECDHE with AES-GCM or ChaCha20-Poly1305 (forward
	 * secrecy, authenticated encryption; no CBC, no static RSA key exchange).
	 */
	static final Set<String> CIPHERS = Collections.unmodifiableSet(new java.util.LinkedHashSet<>(
			List.of("TLS_AES_128_GCM_SHA256", "TLS_AES_256_GCM_SHA384", "TLS_CHACHA20_POLY1305_SHA256",
					"TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256", "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
					"TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384", "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384",
					"TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256", "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256")));

	private static final Logger log = LoggerFactory.getLogger(TlsBundlePolicy.class);

	@Override
	public int getOrder() {
		// after Boot's own customizer has handed the factory its SslBundles
		return Ordered.LOWEST_PRECEDENCE;
	}

	@Override
	public void customize(NettyReactiveWebServerFactory factory) {
		Ssl ssl = factory.getSsl();
		if (!Ssl.isEnabled(ssl)) {
			return;
		}
		String bundle = ssl.getBundle();
		if (!StringUtils.hasText(bundle) || factory.getSslBundles() == null) {
			throw new InvalidGatewayConfigurationException(List.of("server.ssl.bundle: must name an SSL bundle "
					+ "(spring.ssl.bundle.pem.<name>); the gateway's TLS is configured through SSL bundles only"));
		}
		factory.setSslBundles(new Floor(factory.getSslBundles(), bundle));
	}

	/**
	 * @return the problem with the bundle, naming the setting, or {@code null} when it is
	 * acceptable
	 */
	static String problem(String name, SslBundle bundle) {
		String[] protocols = bundle.getOptions().getEnabledProtocols();
		if (protocols != null) {
			for (String protocol : protocols) {
				if (!PROTOCOLS.contains(protocol)) {
					return "spring.ssl.bundle.pem." + name + ".options.enabled-protocols: '" + protocol
							+ "' is not allowed; the gateway serves TLSv1.2 and TLSv1.3 only";
				}
			}
		}
		KeyStore keyStore = bundle.getStores().getKeyStore();
		if (keyStore == null) {
			return "spring.ssl.bundle.pem." + name + ".keystore: the server bundle needs a certificate and key";
		}
		try {
			for (String alias : Collections.list(keyStore.aliases())) {
				if (!keyStore.isKeyEntry(alias)) {
					continue;
				}
				String password = bundle.getKey().getPassword();
				PrivateKey key = (PrivateKey) keyStore.getKey(alias,
						(password != null) ? password.toCharArray() : new char[0]);
				Certificate[] chain = keyStore.getCertificateChain(alias);
				if (chain == null || chain.length == 0 || !belongTogether(key, chain[0].getPublicKey())) {
					return "spring.ssl.bundle.pem." + name + ".keystore.private-key: does not belong to the "
							+ "certificate of spring.ssl.bundle.pem." + name + ".keystore.certificate";
				}
			}
		}
		catch (GeneralSecurityException ex) {
			return "spring.ssl.bundle.pem." + name + ".keystore: cannot be read (" + ex.getClass().getSimpleName()
					+ ")";
		}
		return null;
	}

	/** A signature by the private key verifies with the certificate's public key. */
	private static boolean belongTogether(PrivateKey key, PublicKey certificateKey) throws GeneralSecurityException {
		String algorithm = switch (key.getAlgorithm()) {
			case "RSA" -> "SHA256withRSA";
			case "EC" -> "SHA256withECDSA";
			case "Ed25519", "Ed448", "EdDSA" -> key.getAlgorithm();
			default -> null;
		};
		if (algorithm == null) {
			// an algorithm we cannot test (RSASSA-PSS keys...): the handshake will tell
			return true;
		}
		if (!key.getAlgorithm().equals(certificateKey.getAlgorithm())
				&& !(key.getAlgorithm().startsWith("Ed") && certificateKey.getAlgorithm().startsWith("Ed"))) {
			return false;
		}
		byte[] challenge = "gatehouse-tls-key-check".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
		Signature signer = Signature.getInstance(algorithm);
		signer.initSign(key);
		signer.update(challenge);
		byte[] signature = signer.sign();
		Signature verifier = Signature.getInstance(algorithm);
		verifier.initVerify(certificateKey);
		verifier.update(challenge);
		return verifier.verify(signature);
	}

	/**
	 * The bundle as served: the gateway's protocols and ciphers unless it names its own.
	 */
	static SslBundle withFloor(SslBundle bundle) {
		SslOptions options = bundle.getOptions();
		Set<String> protocols = (options.getEnabledProtocols() != null)
				? SslOptions.asSet(options.getEnabledProtocols()) : PROTOCOLS;
		Set<String> ciphers = (options.getCiphers() != null) ? SslOptions.asSet(options.getCiphers()) : CIPHERS;
		return SslBundle.of(bundle.getStores(), bundle.getKey(), SslOptions.of(ciphers, protocols),
				bundle.getProtocol(), bundle.getManagers());
	}

	private static String describe(SslBundle bundle) {
		try {
			KeyStore keyStore = bundle.getStores().getKeyStore();
			List<String> subjects = new ArrayList<>();
			for (String alias : Collections.list(keyStore.aliases())) {
				if (keyStore.getCertificate(alias) instanceof X509Certificate certificate) {
					subjects.add(certificate.getSubjectX500Principal().getName() + " until "
							+ certificate.getNotAfter().toInstant());
				}
			}
			return String.join(", ", subjects);
		}
		catch (GeneralSecurityException | RuntimeException ex) {
			return "?";
		}
	}

	/** The registry as Boot's web server sees it: the server bundle held to the floor. */
	private static final class Floor implements SslBundles {

		private final SslBundles delegate;

		private final String serverBundle;

		Floor(SslBundles delegate, String serverBundle) {
			this.delegate = delegate;
			this.serverBundle = serverBundle;
		}

		@Override
		public SslBundle getBundle(String name) throws NoSuchSslBundleException {
			SslBundle bundle = this.delegate.getBundle(name);
			if (!this.serverBundle.equals(name)) {
				return bundle;
			}
			String problem = problem(name, bundle);
			if (problem != null) {
				throw new InvalidGatewayConfigurationException(List.of(problem));
			}
			log.info("TLS on the public port with SSL bundle '{}': {}", name, describe(bundle));
			return withFloor(bundle);
		}

		@Override
		public void addBundleUpdateHandler(String name, Consumer<SslBundle> updateHandler)
				throws NoSuchSslBundleException {
			if (!this.serverBundle.equals(name)) {
				this.delegate.addBundleUpdateHandler(name, updateHandler);
				return;
			}
			this.delegate.addBundleUpdateHandler(name, (updated) -> {
				String problem = problem(name, updated);
				if (problem != null) {
					log.error("TLS certificate reload refused, the previous certificate keeps serving: {}", problem);
					return;
				}
				log.info("TLS certificate reloaded from SSL bundle '{}': {}", name, describe(updated));
				updateHandler.accept(withFloor(updated));
			});
		}

		@Override
		public void addBundleRegisterHandler(BiConsumer<String, SslBundle> registerHandler) {
			this.delegate.addBundleRegisterHandler(registerHandler);
		}

		@Override
		public List<String> getBundleNames() {
			return this.delegate.getBundleNames();
		}

	}

}
