package dev.gatehouse.auth.token;

import java.util.HashSet;
import java.util.Set;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class RefreshTokensTests {

	@Test
	void tokensAre256RandomBitsInBase64Url() {
		Set<String> seen = new HashSet<>();
		for (int i = 0; i < 1000; i++) {
			String token = RefreshTokens.generate();
			assertThat(token).hasSize(43).matches("[A-Za-z0-9_-]+");
			assertThat(RefreshTokens.isWellFormed(token)).isTrue();
			seen.add(token);
		}
		assertThat(seen).hasSize(1000);
	}

	@Test
	void hashIsSha256HexAndNotTheToken() {
		String token = RefreshTokens.generate();
		assertThat(RefreshTokens.hash(token)).hasSize(64).matches("[0-9a-f]+").isNotEqualTo(token);
	}

	@Test
	void onlyTheSpentTokenOpensItsSuccessor() {
		String spent = RefreshTokens.generate();
		String successor = RefreshTokens.generate();
		String sealed = RefreshTokens.sealSuccessor(spent, successor);
		assertThat(sealed).doesNotContain(successor);
		assertThat(RefreshTokens.openSuccessor(spent, sealed)).isEqualTo(successor);
		assertThat(RefreshTokens.openSuccessor(RefreshTokens.generate(), sealed)).isNull();
		assertThat(RefreshTokens.openSuccessor(RefreshTokens.hash(spent), sealed)).isNull();
		assertThat(RefreshTokens.openSuccessor(spent, sealed.substring(0, sealed.length() - 2) + "AA")).isNull();
		assertThat(RefreshTokens.openSuccessor(spent, null)).isNull();
	}

	@Test
	void malformedTokensAreRecognised() {
		assertThat(RefreshTokens.isWellFormed(null)).isFalse();
		assertThat(RefreshTokens.isWellFormed("short")).isFalse();
		assertThat(RefreshTokens.isWellFormed("a".repeat(42) + "=")).isFalse();
		assertThat(RefreshTokens.isWellFormed("eyJ.eyJ.sig")).isFalse();
	}

}
