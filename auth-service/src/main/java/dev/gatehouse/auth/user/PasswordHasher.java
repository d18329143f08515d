package dev.gatehouse.auth.user;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.UUID;

import org.springframework.security.crypto.bcrypt.BCryptPasswordEncoder;
import org.springframework.security.crypto.password.DelegatingPasswordEncoder;
import org.springframework.security.crypto.password.NoOpPasswordEncoder;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.security.crypto.password.Pbkdf2PasswordEncoder;
import org.springframework.stereotype.Component;

/**
 * Hashes passwords with BCrypt behind Spring Security's {@link DelegatingPasswordEncoder}: hashes carry their scheme
 * ({@code {bcrypt}…}); a weaker stored one (legacy scheme, or BCrypt below the current cost) is upgraded on the next
 * successful login.
 */
@Component
public class PasswordHasher {

	/** BCrypt reads at most 72 bytes; longer passwords are refused rather than silently truncated. */
	public static final int MAX_PASSWORD_BYTES = 72;

	static final int BCRYPT_COST = 10;

	private final PasswordEncoder encoder;

	/** A real hash of a random password: checked when the user does not exist, so a miss costs what a hit costs. */
	private final String decoyHash;

	@SuppressWarnings("deprecation")
	PasswordHasher() {
		this.encoder = new DelegatingPasswordEncoder("bcrypt",
				Map.of("bcrypt", new BCryptPasswordEncoder(BCRYPT_COST),
						"pbkdf2@SpringSecurity_v5_8", Pbkdf2PasswordEncoder.defaultsForSpringSecurity_v5_8(),
						"noop", NoOpPasswordEncoder.getInstance()));
		this.decoyHash = this.encoder.encode(UUID.randomUUID().toString());
	}

	public static boolean isTooLong(String password) {
		return password.getBytes(StandardCharsets.UTF_8).length > MAX_PASSWORD_BYTES;
	}

	public String hash(String password) {
		if (isTooLong(password)) {
			throw new IllegalArgumentException("password longer than " + MAX_PASSWORD_BYTES + " bytes");
		}
		return this.encoder.encode(password);
	}

	/** Checks the password against the hash, or against a decoy of the same cost when there is no hash. */
	public boolean matches(String password, String hashOrNull) {
		boolean matches = this.encoder.matches(password, (hashOrNull != null) ? hashOrNull : this.decoyHash);
		return hashOrNull != null && matches;
	}

	public boolean needsUpgrade(String hash) {
		return this.encoder.upgradeEncoding(hash);
	}

}
