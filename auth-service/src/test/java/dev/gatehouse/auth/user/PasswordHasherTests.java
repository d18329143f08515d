package dev.gatehouse.auth.user;

import java.time.Duration;
import java.util.concurrent.Semaphore;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class PasswordHasherTests {

	private final PasswordHasher hasher = new PasswordHasher(new Semaphore(2), Duration.ofMillis(500),
			new SimpleMeterRegistry());

	@Test
	void hashesWithBcryptAtCostTenOrMore() {
		String hash = this.hasher.hash("secret");
		assertThat(hash).startsWith("{bcrypt}$2a$");
		assertThat(Integer.parseInt(hash.substring("{bcrypt}$2a$".length(), "{bcrypt}$2a$".length() + 2)))
			.isGreaterThanOrEqualTo(10);
		assertThat(this.hasher.matches("secret", hash)).isTrue();
		assertThat(this.hasher.matches("Secret", hash)).isFalse();
		assertThat(this.hasher.needsUpgrade(hash)).isFalse();
	}

	@Test
	void weakerStoredHashesVerifyAndAskForAnUpgrade() {
		String cheapBcrypt = "{bcrypt}"
				+ new org.springframework.security.crypto.bcrypt.BCryptPasswordEncoder(4).encode("secret");
		assertThat(this.hasher.matches("secret", cheapBcrypt)).isTrue();
		assertThat(this.hasher.needsUpgrade(cheapBcrypt)).isTrue();
		assertThat(this.hasher.matches("secret", "{noop}secret")).isTrue();
		assertThat(this.hasher.needsUpgrade("{noop}secret")).isTrue();
	}

	@Test
	void passwordsOver72BytesAreRefusedNotTruncated() {
		String seventyTwo = "é".repeat(36);
		assertThat(PasswordHasher.isTooLong(seventyTwo)).isFalse();
		assertThat(PasswordHasher.isTooLong(seventyTwo + "x")).isTrue();
		assertThatIllegalArgumentException().isThrownBy(() -> this.hasher.hash(seventyTwo + "x"));
	}

	@Test
	void noHashMeansNoMatchButTheSameWork() {
		assertThat(this.hasher.matches("anything", null)).isFalse();
	}

	@Test
	void withEverySlotTakenHashingGivesUpAfterTheWaitInsteadOfQueueing() {
		Semaphore slots = new Semaphore(1);
		SimpleMeterRegistry meters = new SimpleMeterRegistry();
		PasswordHasher bounded = new PasswordHasher(slots, Duration.ZERO, meters);
		String hash = bounded.hash("secret");
		assertThat(slots.availablePermits()).as("a finished hash frees its slot").isEqualTo(1);
		slots.acquireUninterruptibly();
		assertThatExceptionOfType(PasswordHasher.BusyException.class).isThrownBy(() -> bounded.matches("secret", hash));
		assertThatExceptionOfType(PasswordHasher.BusyException.class).isThrownBy(() -> bounded.matches("secret", null));
		assertThatExceptionOfType(PasswordHasher.BusyException.class).isThrownBy(() -> bounded.hash("secret"));
		assertThat(meters.counter("gatehouse.auth.password-hashing.refused").count()).isEqualTo(3);
		slots.release();
		assertThat(bounded.matches("secret", hash)).isTrue();
		assertThat(slots.availablePermits()).isEqualTo(1);
	}

}
