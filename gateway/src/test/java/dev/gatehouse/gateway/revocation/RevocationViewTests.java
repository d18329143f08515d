package dev.gatehouse.gateway.revocation;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.Test;

import dev.gatehouse.gateway.security.VerifiedToken;
import dev.gatehouse.gateway.support.MutableClock;

import static org.assertj.core.api.Assertions.assertThat;

class RevocationViewTests {

	private static final Instant NOW = Instant.parse("2026-11-22T10:00:00Z");

	private final MutableClock clock = new MutableClock(NOW);

	private final RevocationView view = new RevocationView(this.clock);

	private static VerifiedToken token(String subject, String jti, String sid, Instant issuedAt) {
		return new VerifiedToken("iss", subject, List.of(), List.of(), "web", jti, sid, issuedAt.plusSeconds(900), issuedAt);
	}

	@Test
	void aDenylistedJtiIsRevokedAndOthersAreNot() {
		this.view.apply("jti", "j1", NOW.getEpochSecond() + 900, NOW.getEpochSecond() + 900);
		assertThat(this.view.revoked(token("alice", "j1", "s1", NOW))).isTrue();
		assertThat(this.view.revoked(token("alice", "j2", "s1", NOW))).isFalse();
	}

	@Test
	void aRevokedSessionRevokesEveryTokenCarryingItsSid() {
		this.view.apply("sid", "s1", NOW.getEpochSecond() + 960, NOW.getEpochSecond() + 960);
		assertThat(this.view.revoked(token("alice", "j1", "s1", NOW))).isTrue();
		assertThat(this.view.revoked(token("alice", "j2", "s2", NOW))).isFalse();
	}

	@Test
	void aUsersNotBeforeRevokesOnlyTokensIssuedEarlier() {
		long notBefore = NOW.getEpochSecond() + 1;
		this.view.apply("user", "alice", notBefore, notBefore + 86400);
		assertThat(this.view.revoked(token("alice", "j1", "s1", NOW))).isTrue();
		assertThat(this.view.revoked(token("alice", "j2", "s2", NOW.plusSeconds(1)))).isFalse();
		assertThat(this.view.revoked(token("bob", "j3", "s3", NOW))).isFalse();
		assertThat(this.view.revoked(new VerifiedToken("iss", "alice", List.of(), List.of(), null, "j4", null, NOW.plusSeconds(60))))
			.as("a token without iat cannot prove it is newer").isTrue();
	}

	@Test
	void aLaterNotBeforeWinsWhateverTheOrderOfArrival() {
		this.view.apply("user", "alice", NOW.getEpochSecond() + 10, NOW.getEpochSecond() + 86400);
		this.view.apply("user", "alice", NOW.getEpochSecond() + 5, NOW.getEpochSecond() + 86400);
		assertThat(this.view.revoked(token("alice", "j", "s", NOW.plusSeconds(7)))).isTrue();
	}

	@Test
	void entriesAreForgottenOnceTheirTokensHaveExpired() {
		this.view.apply("jti", "j1", NOW.getEpochSecond() + 60, NOW.getEpochSecond() + 60);
		this.view.apply("sid", "s1", NOW.getEpochSecond() + 600, NOW.getEpochSecond() + 600);
		assertThat(this.view.prune()).isEqualTo(2);
		this.clock.advance(Duration.ofSeconds(61));
		assertThat(this.view.prune()).isEqualTo(1);
	}

	@Test
	void unknownKindsAreIgnored() {
		assertThat(this.view.apply("everything", "x", 1, 1)).isFalse();
		assertThat(this.view.size()).isZero();
	}

}
