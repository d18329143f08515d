package dev.gatehouse.auth.revocation;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class RedisRevocationPublisherTests {

	private static final Instant LATER = Instant.parse("2026-11-22T10:30:00Z");

	@Test
	void aUserRevocationIsKeyedByIssuerAndSubject() {
		RevocationEvent event = new RevocationEvent(RevocationEvent.Kind.USER, "https://auth.example.com", "alice",
				1767224701, LATER);
		assertThat(RedisRevocationPublisher.key(event))
			.isEqualTo("gatehouse:revoked:user:https%3A%2F%2Fauth.example.com:alice");
		assertThat(RedisRevocationPublisher.message(event))
			.isEqualTo("user https%3A%2F%2Fauth.example.com:alice 1767224701");
	}

	@Test
	void issuerAndSubjectAreEncodedSoThePairReadsBackUnambiguously() {
		RevocationEvent event = new RevocationEvent(RevocationEvent.Kind.USER, "https://a.example:8443/x y", "c:d e+f%",
				1, LATER);
		String subject = RedisRevocationPublisher.subject(event);
		assertThat(subject).doesNotContain(" ").containsOnlyOnce(":");
		String[] parts = subject.split(":");
		assertThat(URLDecoder.decode(parts[0], StandardCharsets.UTF_8)).isEqualTo("https://a.example:8443/x y");
		assertThat(URLDecoder.decode(parts[1], StandardCharsets.UTF_8)).isEqualTo("c:d e+f%");
		assertThat(RedisRevocationPublisher.message(event).split(" ")).hasSize(3);
	}

	@Test
	void tokenAndSessionRevocationsKeepTheirKeys() {
		assertThat(RedisRevocationPublisher
			.key(new RevocationEvent(RevocationEvent.Kind.JTI, "https://auth.example.com", "6f1c", 1767225600, LATER)))
			.isEqualTo("gatehouse:revoked:jti:6f1c");
		assertThat(RedisRevocationPublisher.message(
				new RevocationEvent(RevocationEvent.Kind.SID, "https://auth.example.com", "s-1", 1767225600, LATER)))
			.isEqualTo("sid s-1 1767225600");
	}

}
