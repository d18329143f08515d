package dev.gatehouse.auth.token;

import java.util.LinkedHashMap;
import java.util.Map;

import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;

/** Writes {@link OAuthException}s as RFC 6749 §5.2 error bodies. */
@RestControllerAdvice
@Order(Ordered.HIGHEST_PRECEDENCE)
class OAuthErrorHandler {

	@ExceptionHandler(OAuthException.class)
	ResponseEntity<Map<String, String>> oauthError(OAuthException ex) {
		Map<String, String> body = new LinkedHashMap<>();
		body.put("error", ex.error());
		body.put("error_description", ex.getMessage());
		return ResponseEntity.status(ex.status())
			.headers(ex.headers())
			.contentType(MediaType.APPLICATION_JSON)
			.body(body);
	}

}
