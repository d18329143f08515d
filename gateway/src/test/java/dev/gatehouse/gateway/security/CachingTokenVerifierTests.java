package dev.gatehouse.gateway.security;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;

import dev.gatehouse.gateway.support.MutableClock;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CachingTokenVerifierTests {

	private final MutableClock clock = new MutableClock(Instant.parse("2026-06-01T12:00:00Z"));

	private final AtomicInteger verifications = new AtomicInteger();

	private final TokenVerifier delegate = token -> {
		this.verifications.incrementAndGet();
		if (token.startsWith("bad")) {
			return Mono.error(new TokenRejectedException(TokenRejectedException.Reason.BAD_SIGNATURE));
		}
		return Mono.just(new VerifiedToken("iss", "alice", List.of(), List.of(), null, null, null,
				this.clock.instant().plus(Duration.ofMinutes(5))));
	};

	@Test
	void verifiesARepeatedTokenOnlyOnce() {
		CachingTokenVerifier cache = new CachingTokenVerifier(this.delegate, this.clock, 100);
		cache.verify("a.b.c").block();
		cache.verify("a.b.c").block();
		assertThat(this.verifications).hasValue(1);
	}

	@Test
	void entryNeverOutlivesTheTokensExp() {
		CachingTokenVerifier cache = new CachingTokenVerifier(this.delegate, this.clock, 100);
		cache.verify("a.b.c").block();
		this.clock.advance(Duration.ofMinutes(5));
		cache.verify("a.b.c").block();
		assertThat(this.verifications).hasValue(2);
	}

	@Test
	void failuresAreNotCached() {
		CachingTokenVerifier cache = new CachingTokenVerifier(this.delegate, this.clock, 100);
		assertThatThrownBy(() -> cache.verify("bad.b.c").block()).isInstanceOf(TokenRejectedException.class);
		assertThatThrownBy(() -> cache.verify("bad.b.c").block()).isInstanceOf(TokenRejectedException.class);
		assertThat(this.verifications).hasValue(2);
	}

	@Test
	void isBoundedInSize() {
		CachingTokenVerifier cache = new CachingTokenVerifier(this.delegate, this.clock, 10);
		for (int i = 0; i < 200; i++) {
			cache.verify("t" + i + ".b.c").block();
		}
		assertThat(cache.size()).isLessThanOrEqualTo(10);
	}

	@Test
	void keysByHashSoTheTokenIsNotKept() throws Exception {
		CachingTokenVerifier.TokenDigest key = CachingTokenVerifier.TokenDigest.of("a.b.c");
		java.nio.ByteBuffer expected = java.nio.ByteBuffer.wrap(java.security.MessageDigest.getInstance("SHA-256")
			.digest("a.b.c".getBytes(java.nio.charset.StandardCharsets.US_ASCII)));
		assertThat(key).isEqualTo(new CachingTokenVerifier.TokenDigest(expected.getLong(), expected.getLong(),
				expected.getLong(), expected.getLong()));
		assertThat(key).isEqualTo(CachingTokenVerifier.TokenDigest.of("a.b.c"))
			.isNotEqualTo(CachingTokenVerifier.TokenDigest.of("a.b.d"));
		assertThat(CachingTokenVerifier.TokenDigest.class.getRecordComponents())
			.allMatch((component) -> component.getType() == long.class);
	}

}
