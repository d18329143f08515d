package dev.gatehouse.gateway.security;

import java.security.Key;
import java.time.Clock;
import java.time.Duration;
import java.util.Date;
import java.util.List;
import java.util.Locale;
import java.util.Set;

import io.jsonwebtoken.ExpiredJwtException;
import io.jsonwebtoken.Header;
import io.jsonwebtoken.IncorrectClaimException;
import io.jsonwebtoken.JwtException;
import io.jsonwebtoken.JwtParser;
import io.jsonwebtoken.Jwts;
import io.jsonwebtoken.Locator;
import io.jsonwebtoken.MalformedJwtException;
import io.jsonwebtoken.MissingClaimException;
import io.jsonwebtoken.PrematureJwtException;
import io.jsonwebtoken.ProtectedHeader;
import io.jsonwebtoken.UnsupportedJwtException;
import io.jsonwebtoken.security.SignatureException;

import dev.gatehouse.gateway.security.TokenRejectedException.Reason;

/**
 * Everything needed to verify tokens of one issuer: its settings, key source and a jjwt
 * parser restricted to the issuer's algorithms.
 */
final class IssuerVerifier {

	private final String issuer;

	private final Set<String> audiences;

	private final Set<String> algorithms;

	private final String requiredType;

	private final IssuerKeySource keys;

	private final JwtParser parser;

	IssuerVerifier(String issuer, List<String> audiences, List<String> algorithms, String requiredType,
			IssuerKeySource keys, Clock clock, Duration clockSkew) {
		this.issuer = issuer;
		this.audiences = Set.copyOf(audiences);
		this.algorithms = Set.copyOf(algorithms);
		this.requiredType = (requiredType == null || requiredType.isBlank()) ? null : normalizeType(requiredType);
		this.keys = keys;
		var builder = Jwts.parser()
			.keyLocator(new SnapshotKeyLocator(keys))
			.clock(() -> Date.from(clock.instant()))
			.clockSkewSeconds(clockSkew.toSeconds())
			.requireIssuer(issuer);
		var sig = builder.sig().clear();
		for (String alg : algorithms) {
			sig.add(Jwts.SIG.get().forKey(alg));
		}
		this.parser = sig.and().build();
	}

	String issuer() {
		return this.issuer;
	}

	IssuerKeySource keys() {
		return this.keys;
	}

	Set<String> audiences() {
		return this.audiences;
	}

	void checkAlgorithm(String alg) {
		if (alg == null || !this.algorithms.contains(alg)) {
			throw new TokenRejectedException(Reason.ALGORITHM_NOT_ALLOWED);
		}
	}

	void checkType(String typ) {
		if (this.requiredType != null && (typ == null || !this.requiredType.equals(normalizeType(typ)))) {
			throw new TokenRejectedException(Reason.INVALID_TYPE);
		}
	}

	/**
	 * Verify signature, issuer, {@code exp} and {@code nbf} with jjwt. Keys come from the
	 * in-memory snapshot only.
	 */
	void verifySignature(String token) {
		try {
			this.parser.parseSignedClaims(token);
		}
		catch (ExpiredJwtException ex) {
			throw new TokenRejectedException(Reason.EXPIRED);
		}
		catch (PrematureJwtException ex) {
			throw new TokenRejectedException(Reason.NOT_YET_VALID);
		}
		catch (UnknownKeyException ex) {
			throw new TokenRejectedException(Reason.UNKNOWN_KEY);
		}
		catch (SignatureException ex) {
			throw new TokenRejectedException(Reason.BAD_SIGNATURE);
		}
		catch (IncorrectClaimException | MissingClaimException ex) {
			throw new TokenRejectedException(Reason.INVALID_CLAIM, ex.getClaimName());
		}
		catch (UnsupportedJwtException ex) {
			throw new TokenRejectedException(Reason.ALGORITHM_NOT_ALLOWED);
		}
		catch (MalformedJwtException ex) {
			throw new TokenRejectedException(Reason.MALFORMED);
		}
		catch (io.jsonwebtoken.security.SecurityException ex) {
			// e.g. a key that does not fit the algorithm: the token cannot be verified
			throw new TokenRejectedException(Reason.BAD_SIGNATURE);
		}
		catch (JwtException ex) {
			// any other jjwt refusal; jjwt's message is never passed on
			throw new TokenRejectedException(Reason.MALFORMED);
		}
	}

	/**
	 * RFC 8725 section 3.11: compare case-insensitively, {@code application/} optional.
	 */
	private static String normalizeType(String typ) {
		String lower = typ.toLowerCase(Locale.ROOT);
		return lower.startsWith("application/") ? lower.substring("application/".length()) : lower;
	}

	/** Thrown inside jjwt's parser when the snapshot has no key for the header. */
	static final class UnknownKeyException extends JwtException {

		UnknownKeyException() {
			super("unknown key");
		}

	}

	/** jjwt {@link Locator} over the key source's in-memory snapshot: never does I/O. */
	private record SnapshotKeyLocator(IssuerKeySource keys) implements Locator<Key> {

		@Override
		public Key locate(Header header) {
			if (!(header instanceof ProtectedHeader protectedHeader)) {
				throw new UnknownKeyException();
			}
			Key key = this.keys.find(protectedHeader.getKeyId(), protectedHeader.getAlgorithm());
			if (key == null) {
				throw new UnknownKeyException();
			}
			return key;
		}

	}

}
