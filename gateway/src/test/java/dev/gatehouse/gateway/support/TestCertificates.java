package dev.gatehouse.gateway.support;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;

import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * Self-signed TLS certificates for {@code localhost} / {@code 127.0.0.1}, made in the
 * test by the JDK's own {@code keytool} (nothing private is committed) and written as the
 * PEM files a {@code spring.ssl.bundle.pem} bundle reads.
 */
public final class TestCertificates {

	private static final char[] PASSWORD = "changeit".toCharArray();

	private TestCertificates() {
	}

	/** A certificate and its private key, in memory and as PEM text. */
	public record Pair(X509Certificate certificate, PrivateKey key) {

		public String certificatePem() {
			return pem("CERTIFICATE", encoded(this.certificate));
		}

		public String keyPem() {
			return pem("PRIVATE KEY", this.key.getEncoded());
		}

		/** Writes both PEM files, each replaced in one move (as a rotation would). */
		public void writeTo(Path certificateFile, Path keyFile) throws IOException {
			replace(keyFile, keyPem());
			replace(certificateFile, certificatePem());
		}

		private static byte[] encoded(X509Certificate certificate) {
			try {
				return certificate.getEncoded();
			}
			catch (GeneralSecurityException ex) {
				throw new IllegalStateException(ex);
			}
		}

	}

	/** A new RSA-2048 key and a two-day self-signed certificate for localhost. */
	public static Pair generate(Path directory, String name) {
		try {
			Path store = directory.resolve(name + ".p12");
			Files.deleteIfExists(store);
			Path keytool = Path.of(System.getProperty("java.home"), "bin", "keytool");
			Process process = new ProcessBuilder(List.of(keytool.toString(), "-genkeypair", "-alias", "tls", "-keyalg",
					"RSA", "-keysize", "2048", "-validity", "2", "-dname", "CN=localhost,O=" + name, "-ext",
					"SAN=dns:localhost,ip:127.0.0.1", "-keystore", store.toString(), "-storetype", "PKCS12",
					"-storepass", new String(PASSWORD), "-keypass", new String(PASSWORD)))
				.redirectErrorStream(true)
				.start();
			String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
			if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
				throw new IllegalStateException("keytool failed: " + output);
			}
			KeyStore keyStore = KeyStore.getInstance("PKCS12");
			try (InputStream in = Files.newInputStream(store)) {
				keyStore.load(in, PASSWORD);
			}
			return new Pair((X509Certificate) keyStore.getCertificate("tls"),
					(PrivateKey) keyStore.getKey("tls", PASSWORD));
		}
		catch (IOException | GeneralSecurityException ex) {
			throw new IllegalStateException(ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

	/** A client context that trusts exactly these certificates. */
	public static SSLContext trusting(X509Certificate... certificates) {
		try {
			KeyStore trust = KeyStore.getInstance("PKCS12");
			trust.load(null, null);
			for (int i = 0; i < certificates.length; i++) {
				trust.setCertificateEntry("trusted-" + i, certificates[i]);
			}
			TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
			factory.init(trust);
			SSLContext context = SSLContext.getInstance("TLS");
			context.init(null, factory.getTrustManagers(), null);
			return context;
		}
		catch (IOException | GeneralSecurityException ex) {
			throw new IllegalStateException(ex);
		}
	}

	private static String pem(String type, byte[] der) {
		return "-----BEGIN " + type + "-----\n"
				+ Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der)
				+ "\n-----END " + type + "-----\n";
	}

	private static void replace(Path file, String content) throws IOException {
		Path temporary = file.resolveSibling(file.getFileName() + ".tmp");
		Files.writeString(temporary, content);
		Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
	}

}
