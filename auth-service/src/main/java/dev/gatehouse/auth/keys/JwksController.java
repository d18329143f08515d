package dev.gatehouse.auth.keys;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;

import org.springframework.http.CacheControl;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * Publishes the public halves of every key; only
 * {@link io.jsonwebtoken.security.PublicJwk}s can get here.
 */
@RestController
@Tag(name = "keys")
class JwksController {

	static final String PATH = "/.well-known/jwks.json";

	private final Map<String, Object> jwks;

	JwksController(SigningKeys keys) {
		List<Map<String, Object>> published = keys.all()
			.stream()
			.map((key) -> Map.<String, Object>copyOf(new LinkedHashMap<>(key.jwk())))
			.toList();
		this.jwks = Map.of("keys", published);
	}

	@GetMapping(path = PATH, produces = { "application/json", "application/jwk-set+json" })
	@Operation(summary = "Public signing keys (RFC 7517 JWK set)")
	ResponseEntity<Map<String, Object>> jwks() {
		return ResponseEntity.ok()
			.cacheControl(CacheControl.maxAge(Duration.ofMinutes(5)).cachePublic())
			.body(this.jwks);
	}

}
