package dev.gatehouse.auth.user;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class PasswordHasherTests {

	private final PasswordHasher hasher = new PasswordHasher();

	@Test
	void hashesWithBcryptAtCostTenOrMore() {
		String hash = this.hasher.hash("secret");
		assertThat(hash).startsWith("{bcrypt}$2a$");
		assertThat(Integer.parseInt(hash.substring("{bcrypt}$2a$".length(), "{bcrypt}$2a$".length() + 2))).isGreaterThanOrEqualTo(10);
		assertThat(this.hasher.matches("secret", hash)).isTrue();
		assertThat(this.hasher.matches("Secret", hash)).isFalse();
		assertThat(this.hasher.needsUpgrade(hash)).isFalse();
	}

	@Test
	void weakerStoredHashesVerifyAndAskForAnUpgrade() {
		String cheapBcrypt = "{bcrypt}" + new org.springframework.security.crypto.bcrypt.BCryptPasswordEncoder(4).encode("secret");
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

}
