package dev.gatehouse.gateway.revocation;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
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

	private static final Duration SKEW = Duration.ofSeconds(30);

	private static final Duration MAX_LIFETIME = Duration.ofHours(24);

	private static final String OURS = "http://localhost:9000";

	private static final String PARTNER = "https://partner.example";

	private final RevocationView view = new RevocationView(this.clock, SKEW, MAX_LIFETIME);

	/** How the auth-service names a user: issuer and subject, each form-encoded. */
	private static String user(String issuer, String subject) {
		return URLEncoder.encode(issuer, StandardCharsets.UTF_8) + ":"
				+ URLEncoder.encode(subject, StandardCharsets.UTF_8);
	}

	private static VerifiedToken token(String subject, String jti, String sid, Instant issuedAt) {
		return token(OURS, subject, jti, sid, issuedAt);
	}

	private static VerifiedToken token(String issuer, String subject, String jti, String sid, Instant issuedAt) {
		return new VerifiedToken(issuer, subject, List.of(), List.of(), "web", jti, sid, issuedAt.plusSeconds(900),
				issuedAt);
	}

	@Test
	void aDenylistedJtiIsRevokedAndOthersAreNot() {
		this.view.apply("jti", "j1", NOW.getEpochSecond() + 900);
		assertThat(this.view.revoked(token("alice", "j1", "s1", NOW))).isTrue();
		assertThat(this.view.revoked(token("alice", "j2", "s1", NOW))).isFalse();
	}

	@Test
	void aRevokedSessionRevokesEveryTokenCarryingItsSid() {
		this.view.apply("sid", "s1", NOW.getEpochSecond() + 960);
		assertThat(this.view.revoked(token("alice", "j1", "s1", NOW))).isTrue();
		assertThat(this.view.revoked(token("alice", "j2", "s2", NOW))).isFalse();
	}

	@Test
	void aUsersNotBeforeRevokesOnlyTokensIssuedEarlier() {
		long notBefore = NOW.getEpochSecond() + 1;
		this.view.apply("user", user(OURS, "alice"), notBefore);
		assertThat(this.view.revoked(token("alice", "j1", "s1", NOW))).isTrue();
		assertThat(this.view.revoked(token("alice", "j2", "s2", NOW.plusSeconds(1)))).isFalse();
		assertThat(this.view.revoked(token("bob", "j3", "s3", NOW))).isFalse();
		assertThat(this.view
			.revoked(new VerifiedToken(OURS, "alice", List.of(), List.of(), null, "j4", null, NOW.plusSeconds(60))))
			.as("a token without iat cannot prove it is newer")
			.isTrue();
	}

	@Test
	void aUserRevocationConcernsOnlyTheSubjectOfItsOwnIssuer() {
		long notBefore = NOW.getEpochSecond() + 1;
		this.view.apply("user", user(OURS, "alice"), notBefore);
		assertThat(this.view.revoked(token(OURS, "alice", "j1", null, NOW))).as("our alice").isTrue();
		assertThat(this.view.revoked(token(PARTNER, "alice", "j2", null, NOW))).as("the partner's alice").isFalse();
		this.view.apply("user", user(PARTNER, "bob"), notBefore);
		assertThat(this.view.revoked(token(PARTNER, "bob", "j3", null, NOW))).as("the partner's bob").isTrue();
		assertThat(this.view.revoked(token(OURS, "bob", "j4", null, NOW))).as("our bob").isFalse();
	}

	@Test
	void issuerAndSubjectAreDecodedExactlySoNoSeparatorInThemCanShiftTheBoundary() {
		long notBefore = NOW.getEpochSecond() + 1;
		this.view.apply("user", user("https://a.example:8443/x y", "c:d e+f%"), notBefore);
		assertThat(this.view.revoked(token("https://a.example:8443/x y", "c:d e+f%", "j1", null, NOW))).isTrue();
		assertThat(this.view.revoked(token("https://a.example", "8443/x y:c:d e+f%", "j2", null, NOW))).isFalse();
		assertThat(this.view.apply("user", "https%3A%2F%2Fa:b:c", notBefore)).as("a raw ':' in the subject").isFalse();
		assertThat(this.view.apply("user", "%zz:alice", notBefore)).as("a malformed escape").isFalse();
		assertThat(this.view.apply("user", ":alice", notBefore)).as("no issuer").isFalse();
	}

	@Test
	void aUserEntryWithoutIssuerFromAnOlderAuthServiceStillRevokesThatSubject() {
		this.view.apply("user", "carol", NOW.getEpochSecond() + 1);
		assertThat(this.view.revoked(token(OURS, "carol", "j1", null, NOW))).isTrue();
		assertThat(this.view.revoked(token(OURS, "carol", "j2", null, NOW.plusSeconds(1)))).isFalse();
	}

	@Test
	void aLaterNotBeforeWinsWhateverTheOrderOfArrival() {
		this.view.apply("user", user(OURS, "alice"), NOW.getEpochSecond() + 10);
		this.view.apply("user", user(OURS, "alice"), NOW.getEpochSecond() + 5);
		assertThat(this.view.revoked(token("alice", "j", "s", NOW.plusSeconds(7)))).isTrue();
	}

	@Test
	void aRevokedTokenIsKeptAsLongAsTheClockSkewStillAdmitsItPlusAMargin() {
		long exp = NOW.getEpochSecond();
		this.view.apply("jti", "j1", exp);
		this.view.apply("sid", "s1", exp);
		this.clock.advance(SKEW.plus(RevocationView.MARGIN));
		assertThat(this.view.prune()).isEqualTo(2);
		assertThat(this.view.revoked(token("alice", "j1", "s9", NOW.minusSeconds(900)))).isTrue();
		assertThat(this.view.revoked(token("alice", "j9", "s1", NOW.minusSeconds(900)))).isTrue();
		this.clock.advance(Duration.ofSeconds(1));
		assertThat(this.view.prune()).isZero();
	}

	@Test
	void aUsersNotBeforeIsKeptUntilEveryTokenIssuedBeforeItIsPastExpiryAndSkew() {
		long notBefore = NOW.getEpochSecond();
		this.view.apply("user", user(OURS, "alice"), notBefore);
		this.view.apply("user", "legacy", notBefore);
		this.clock.advance(MAX_LIFETIME.plus(SKEW).plus(RevocationView.MARGIN));
		assertThat(this.view.prune()).isEqualTo(2);
		assertThat(this.view.revoked(token("alice", "j1", null, NOW.minusSeconds(1)))).isTrue();
		this.clock.advance(Duration.ofSeconds(1));
		assertThat(this.view.prune()).isZero();
	}

	@Test
	void unknownKindsAreIgnored() {
		assertThat(this.view.apply("everything", "x", 1)).isFalse();
		assertThat(this.view.size()).isZero();
	}

}
