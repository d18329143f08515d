package dev.gatehouse.auth.token;

import java.nio.charset.StandardCharsets;
import java.net.URLDecoder;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;

import jakarta.servlet.http.HttpServletRequest;

import dev.gatehouse.auth.AuthProperties;
import dev.gatehouse.auth.AuthProperties.Client;
import dev.gatehouse.auth.user.PasswordHasher;

import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.http.HttpHeaders;
import org.springframework.stereotype.Component;

/**
 * The registered clients, and client authentication (RFC 6749 §2.3). Failed client
 * authentications are throttled per client and client address like failed logins (every
 * unknown client id of one address shares one count), so client secrets cannot be guessed
 * at the speed of BCrypt.
 */
@Component
class ClientRegistry {

	static final String DEFAULT_PUBLIC_CLIENT = "gatehouse-web";

	/**
	 * The throttle's subject for a client id that is not registered (no client id can
	 * contain a space).
	 */
	private static final String UNKNOWN_CLIENT = "(unknown client)";

	private final Map<String, Client> clients;

	private final PasswordHasher hasher;

	private final LoginThrottle throttle;

	ClientRegistry(AuthProperties properties, PasswordHasher hasher,
			@Qualifier(LoginThrottleConfiguration.CLIENT_AUTH) LoginThrottle throttle) {
		this.hasher = hasher;
		this.throttle = throttle;
		// unique ids and grant types that fit each client are validated when the
		// properties bind
		Map<String, Client> byId = new LinkedHashMap<>();
		for (Client client : properties.clients()) {
			byId.put(client.clientId(), client);
		}
		this.clients = Map.copyOf(byId);
	}

	/**
	 * Identifies the client of a request: HTTP Basic credentials (form-urlencoded, then
	 * base64) authenticate a confidential client; otherwise {@code client_id} (default
	 * {@value #DEFAULT_PUBLIC_CLIENT}) names a public one. The request's remote address
	 * is the client address ({@link TrustedProxyFilter}).
	 */
	Client identify(HttpServletRequest request, String clientIdParameter) {
		String authorization = request.getHeader(HttpHeaders.AUTHORIZATION);
		if (authorization != null && authorization.regionMatches(true, 0, "Basic ", 0, 6)) {
			String[] credentials = basicCredentials(authorization.substring(6).trim());
			Client client = this.clients.get(credentials[0]);
			String subject = (client != null) ? client.clientId() : UNKNOWN_CLIENT;
			try (LoginThrottle.Attempt attempt = this.throttle.reserve(subject, request.getRemoteAddr())) {
				// hash even for an unknown client, so that a miss costs what a hit costs
				boolean matches = this.hasher.matches(credentials[1], (client != null) ? client.clientSecret() : null);
				if (client == null || client.isPublic() || !matches) {
					attempt.failed();
					throw OAuthException.invalidClient("Client authentication failed");
				}
				attempt.succeeded();
			}
			catch (PasswordHasher.BusyException ex) {
				throw OAuthException.busy(ex);
			}
			if (clientIdParameter != null && !clientIdParameter.equals(client.clientId())) {
				throw OAuthException.badRequest(OAuthException.INVALID_REQUEST,
						"client_id does not match the authenticated client");
			}
			return client;
		}
		if (authorization != null) {
			throw OAuthException.invalidClient("Unsupported client authentication scheme");
		}
		String clientId = (clientIdParameter != null) ? clientIdParameter : DEFAULT_PUBLIC_CLIENT;
		Client client = this.clients.get(clientId);
		if (client == null) {
			throw OAuthException.invalidClient("Unknown client");
		}
		if (!client.isPublic()) {
			throw OAuthException.invalidClient("This client must authenticate");
		}
		return client;
	}

	private static String[] basicCredentials(String encoded) {
		try {
			String decoded = new String(Base64.getDecoder().decode(encoded), StandardCharsets.UTF_8);
			int colon = decoded.indexOf(':');
			if (colon < 0) {
				throw OAuthException.invalidClient("Malformed client credentials");
			}
			return new String[] { URLDecoder.decode(decoded.substring(0, colon), StandardCharsets.UTF_8),
					URLDecoder.decode(decoded.substring(colon + 1), StandardCharsets.UTF_8) };
		}
		catch (IllegalArgumentException ex) {
			throw OAuthException.invalidClient("Malformed client credentials");
		}
	}

}
