package dev.gatehouse.auth.dpop;

import java.time.Instant;

/**
 * A DPoP proof that passed every check.
 *
 * @param jkt the RFC 7638 SHA-256 thumbprint (base64url) of the proof's public key: what
 * a token issued for this request is bound to ({@code cnf.jkt})
 * @param jti the proof's unique id
 * @param algorithm the proof's {@code alg}
 * @param issuedAt the proof's {@code iat}
 */
public record DpopProof(String jkt, String jti, String algorithm, Instant issuedAt) {
}
