package dev.gatehouse.auth.token;

import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;

import dev.gatehouse.auth.AuthProperties;
import dev.gatehouse.auth.dpop.DpopProperties;
import dev.gatehouse.auth.keys.SigningKeys;

import org.springframework.http.CacheControl;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/** RFC 8414 authorization server metadata. */
@RestController
@Tag(name = "keys")
class MetadataController {

	private final Map<String, Object> metadata;

	MetadataController(AuthProperties properties, SigningKeys keys, DpopProperties dpop) {
		String issuer = properties.issuer().replaceAll("/+$", "");
		Map<String, Object> document = new LinkedHashMap<>();
		document.put("issuer", properties.issuer());
		document.put("token_endpoint", issuer + "/token");
		document.put("jwks_uri", issuer + "/.well-known/jwks.json");
		document.put("revocation_endpoint", issuer + "/revoke");
		document.put("grant_types_supported", List.of("password", "refresh_token", "client_credentials"));
		document.put("response_types_supported", List.of());
		document.put("token_endpoint_auth_methods_supported", List.of("client_secret_basic", "none"));
		document.put("revocation_endpoint_auth_methods_supported", List.of("client_secret_basic", "none"));
		TreeSet<String> scopes = new TreeSet<>();
		properties.clients().forEach((client) -> scopes.addAll(client.scopes()));
		document.put("scopes_supported", List.copyOf(scopes));
		document.put("gatehouse_access_token_signing_alg_values_supported",
				keys.all().stream().map((key) -> key.algorithm().getId()).distinct().toList());
		if (dpop.enabled()) {
			document.put("dpop_signing_alg_values_supported", List.copyOf(dpop.signingAlgorithms()));
		}
		this.metadata = Collections.unmodifiableMap(document);
	}

	@GetMapping(path = "/.well-known/oauth-authorization-server", produces = MediaType.APPLICATION_JSON_VALUE)
	@Operation(summary = "RFC 8414 authorization server metadata")
	ResponseEntity<Map<String, Object>> metadata() {
		return ResponseEntity.ok()
			.cacheControl(CacheControl.maxAge(Duration.ofMinutes(5)).cachePublic())
			.body(this.metadata);
	}

}
