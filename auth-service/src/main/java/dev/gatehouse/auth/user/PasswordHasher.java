package dev.gatehouse.auth.user;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

import dev.gatehouse.auth.AuthProperties;
import dev.gatehouse.auth.problem.ApiException;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.security.crypto.bcrypt.BCryptPasswordEncoder;
import org.springframework.security.crypto.password.DelegatingPasswordEncoder;
import org.springframework.security.crypto.password.NoOpPasswordEncoder;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.security.crypto.password.Pbkdf2PasswordEncoder;
import org.springframework.stereotype.Component;

/**
 * Hashes passwords with BCrypt behind Spring Security's
 * {@link DelegatingPasswordEncoder}: hashes carry their scheme ({@code {bcrypt}…}); a
 * weaker stored one (legacy scheme, or BCrypt below the current cost) is upgraded on the
 * next successful login. At most {@code gatehouse.auth.password-hashing.max-concurrent}
 * hashes run at once; a request that finds no free slot within {@code max-wait} gets a
 * {@link BusyException} (503), so a flood of logins or client authentications never
 * queues without bound or starves the rest of the service of CPU.
 */
@Component
public class PasswordHasher {

	/**
	 * BCrypt reads at most 72 bytes; longer passwords are refused rather than silently
	 * truncated.
	 */
	public static final int MAX_PASSWORD_BYTES = 72;

	static final int BCRYPT_COST = 10;

	private final PasswordEncoder encoder;

	/**
	 * A real hash of a random password: checked when the user does not exist, so a miss
	 * costs what a hit costs.
	 */
	private final String decoyHash;

	private final Semaphore slots;

	private final long maxWaitNanos;

	private final Counter refused;

	@Autowired
	PasswordHasher(AuthProperties properties, ObjectProvider<MeterRegistry> meters) {
		this(new Semaphore(slots(properties.passwordHashing())), properties.passwordHashing().maxWait(),
				meters.getIfAvailable(SimpleMeterRegistry::new));
	}

	@SuppressWarnings("deprecation")
	PasswordHasher(Semaphore slots, Duration maxWait, MeterRegistry meters) {
		this.slots = slots;
		this.maxWaitNanos = maxWait.toNanos();
		this.refused = Counter.builder("gatehouse.auth.password-hashing.refused")
			.description(
					"Password checks and hashes refused (503) because every hashing slot stayed taken for max-wait")
			.register(meters);
		this.encoder = new DelegatingPasswordEncoder("bcrypt",
				Map.of("bcrypt", new BCryptPasswordEncoder(BCRYPT_COST), "pbkdf2@SpringSecurity_v5_8",
						Pbkdf2PasswordEncoder.defaultsForSpringSecurity_v5_8(), "noop",
						NoOpPasswordEncoder.getInstance()));
		this.decoyHash = this.encoder.encode(UUID.randomUUID().toString());
	}

	public static boolean isTooLong(String password) {
		return password.getBytes(StandardCharsets.UTF_8).length > MAX_PASSWORD_BYTES;
	}

	private static int slots(AuthProperties.PasswordHashing settings) {
		return (settings.maxConcurrent() > 0) ? settings.maxConcurrent() : Runtime.getRuntime().availableProcessors();
	}

	/**
	 * @throws BusyException when no hashing slot freed up in time
	 */
	public String hash(String password) {
		if (isTooLong(password)) {
			throw new IllegalArgumentException("password longer than " + MAX_PASSWORD_BYTES + " bytes");
		}
		return inSlot(() -> this.encoder.encode(password));
	}

	/**
	 * Checks the password against the hash, or against a decoy of the same cost when
	 * there is no hash.
	 * @throws BusyException when no hashing slot freed up in time
	 */
	public boolean matches(String password, String hashOrNull) {
		boolean matches = inSlot(
				() -> this.encoder.matches(password, (hashOrNull != null) ? hashOrNull : this.decoyHash));
		return hashOrNull != null && matches;
	}

	private <T> T inSlot(Supplier<T> hashing) {
		try {
			if (!this.slots.tryAcquire(this.maxWaitNanos, TimeUnit.NANOSECONDS)) {
				this.refused.increment();
				throw new BusyException();
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new BusyException();
		}
		try {
			return hashing.get();
		}
		finally {
			this.slots.release();
		}
	}

	public boolean needsUpgrade(String hash) {
		return this.encoder.upgradeEncoding(hash);
	}

	/**
	 * Every hashing slot stayed taken for {@code max-wait}: 503 with {@code Retry-After}.
	 */
	public static final class BusyException extends ApiException {

		/** What the 503 tells the caller to wait, in seconds. */
		public static final int RETRY_AFTER_SECONDS = 1;

		public BusyException() {
			super(HttpStatus.SERVICE_UNAVAILABLE, "busy", "Service unavailable",
					"Too many password checks at once; try again shortly", retryAfter());
		}

		private static HttpHeaders retryAfter() {
			HttpHeaders headers = new HttpHeaders();
			headers.set(HttpHeaders.RETRY_AFTER, Integer.toString(RETRY_AFTER_SECONDS));
			return headers;
		}

	}

}
