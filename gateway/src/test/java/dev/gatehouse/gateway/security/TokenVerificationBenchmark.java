package dev.gatehouse.gateway.security;

import java.security.KeyPair;
import java.security.interfaces.RSAPublicKey;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.OptionsBuilder;

import dev.gatehouse.gateway.support.TestTokens;

/**
 * Verified-token cache, measured: full RS256 verification of an auth-service style token
 * against a cache hit for the same token. Not a test; run it with the command in
 * README.md (Performance).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class TokenVerificationBenchmark {

	private TokenVerifier uncached;

	private TokenVerifier cached;

	private String token;

	private java.security.PublicKey publicKey;

	private byte[] signingInput;

	private byte[] signature;

	@Setup
	public void setUp() {
		KeyPair keys = TestTokens.rsa();
		String kid = TestTokens.thumbprint((RSAPublicKey) keys.getPublic());
		Clock clock = Clock.systemUTC();
		IssuerKeySource source = (k, alg) -> kid.equals(k) ? keys.getPublic() : null;
		IssuerVerifier issuer = new IssuerVerifier(TestTokens.ISSUER, List.of(TestTokens.AUDIENCE), List.of("RS256"),
				"at+jwt", source);
		this.uncached = new JwtTokenVerifier(Map.of(TestTokens.ISSUER, issuer), clock, Duration.ofSeconds(30),
				Duration.ofHours(24));
		this.cached = new CachingTokenVerifier(this.uncached, clock, 10_000);
		this.token = TestTokens.accessToken(keys, Instant.now()).compact();
		this.cached.verify(this.token).block();
		this.publicKey = keys.getPublic();
		int lastDot = this.token.lastIndexOf('.');
		this.signingInput = this.token.substring(0, lastDot).getBytes(java.nio.charset.StandardCharsets.US_ASCII);
		this.signature = java.util.Base64.getUrlDecoder().decode(this.token.substring(lastDot + 1));
	}

	/**
	 * Baseline: the bare RSA-SHA256 signature check that every uncached verification
	 * contains.
	 */
	@Benchmark
	public boolean rs256SignatureOnly() throws java.security.GeneralSecurityException {
		java.security.Signature rsa = java.security.Signature.getInstance("SHA256withRSA");
		rsa.initVerify(this.publicKey);
		rsa.update(this.signingInput);
		return rsa.verify(this.signature);
	}

	@Benchmark
	public VerifiedToken uncachedVerification() {
		return this.uncached.verify(this.token).block();
	}

	@Benchmark
	public VerifiedToken cachedVerification() {
		return this.cached.verify(this.token).block();
	}

	public static void main(String[] args) throws RunnerException {
		new Runner(new OptionsBuilder().include(TokenVerificationBenchmark.class.getSimpleName()).build()).run();
	}

}
