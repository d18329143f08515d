package dev.gatehouse.gateway.security.dpop;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.PublicKey;
import java.security.Signature;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import dev.gatehouse.gateway.support.TestTokens;

/**
 * What a DPoP request costs the gateway on top of a cached token: the proof's full
 * verification ({@link DpopProofVerifier}: JSON, claims, {@code ath}, key from its JWK,
 * RFC 7638 thumbprint, signature), per algorithm, next to the bare signature check. A
 * proof cannot be cached, so this is paid on every request. Not a test; run it with
 * {@code bench/dpop-proof.sh} (docs/dpop.md).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class DpopProofBenchmark {

	private static final String URL = "https://api.example.com/api/items";

	/** RS256 with a 2048-bit key, ES256 on P-256, EdDSA with Ed25519. */
	@Param({ "RS256", "ES256", "EdDSA" })
	public String alg;

	private DpopProofVerifier verifier;

	private String proof;

	private String token;

	private PublicKey publicKey;

	private byte[] signingInput;

	private byte[] signature;

	private String signatureAlgorithm;

	@Setup
	public void setUp() {
		Instant now = Instant.now();
		DpopProofs client = DpopProofs.client(this.alg);
		this.token = TestTokens.accessToken(TestTokens.rsa(), now).compact();
		this.proof = client.proof("GET", URL, this.token, now);
		this.verifier = new DpopProofVerifier(List.of(this.alg), Duration.ofSeconds(60), Duration.ofSeconds(5),
				Clock.fixed(now, ZoneOffset.UTC), null, new DpopChallenge(List.of(this.alg)));
		DpopWarmUp.run(List.of(this.alg));
		this.publicKey = client.publicKey();
		int lastDot = this.proof.lastIndexOf('.');
		this.signingInput = this.proof.substring(0, lastDot).getBytes(StandardCharsets.US_ASCII);
		this.signature = Base64.getUrlDecoder().decode(this.proof.substring(lastDot + 1));
		this.signatureAlgorithm = switch (this.alg) {
			case "RS256" -> "SHA256withRSA";
			case "ES256" -> "SHA256withECDSAinP1363Format";
			default -> "Ed25519";
		};
		// fails the run at once if the proof does not verify
		proofVerification();
	}

	/** Everything the gateway does with a proof except the replay check. */
	@Benchmark
	public DpopProofVerifier.VerifiedProof proofVerification() {
		return this.verifier.verify(this.proof, "GET", URL, this.token);
	}

	/** Baseline: the signature check alone, with a ready key. */
	@Benchmark
	public boolean signatureOnly() throws GeneralSecurityException {
		Signature verify = Signature.getInstance(this.signatureAlgorithm);
		verify.initVerify(this.publicKey);
		verify.update(this.signingInput);
		return verify.verify(this.signature);
	}

}
