package dev.gatehouse.auth.token;

import java.time.Instant;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * RFC 6749 §5.1 access token response; {@code token_type} is {@value #DPOP} for a token
 * bound to a DPoP key (RFC 9449 §5), else {@value #BEARER}.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
record TokenResponse(@JsonProperty("access_token") String accessToken, @JsonProperty("token_type") String tokenType,
		@JsonProperty("expires_in") long expiresIn, @JsonProperty("refresh_token") String refreshToken,
		@JsonProperty("scope") String scope, @JsonIgnore Instant refreshTokenExpiresAt) {

	static final String BEARER = "Bearer";

	static final String DPOP = "DPoP";

	/**
	 * The same response with the refresh token taken out of the body (browser mode puts
	 * it in a cookie).
	 */
	TokenResponse withoutRefreshToken() {
		return new TokenResponse(this.accessToken, this.tokenType, this.expiresIn, null, this.scope,
				this.refreshTokenExpiresAt);
	}

	@Override
	public String toString() {
		return "TokenResponse[scope=" + this.scope + ", expiresIn=" + this.expiresIn + "]";
	}

}
