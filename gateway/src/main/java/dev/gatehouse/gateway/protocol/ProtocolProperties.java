package dev.gatehouse.gateway.protocol;

import jakarta.validation.constraints.AssertTrue;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;
import org.springframework.validation.annotation.Validated;

/**
 * The gateway's protocol settings under {@code gatehouse.gateway.*} (TLS itself is Spring
 * Boot's {@code server.ssl.bundle}, HTTP/2 its {@code server.http2.enabled}).
 *
 * @param httpRedirectPort a plain-HTTP port that answers every request with a redirect to
 * HTTPS (needs TLS on the public port); unset: no such listener
 * @param maxRequestSize largest request body a route accepts unless its metadata says
 * otherwise ({@code max-request-size}); larger bodies are answered 413
 */
@ConfigurationProperties("gatehouse.gateway")
@Validated
public record ProtocolProperties(@Min(0) @Max(65535) Integer httpRedirectPort,
		@NotNull @DefaultValue("10MB") DataSize maxRequestSize) {

	/**
	 * @return whether the default body limit is a positive size
	 */
	@AssertTrue(message = "max-request-size: must be a positive data size such as 10MB")
	boolean isMaxRequestSizePositive() {
		return this.maxRequestSize == null || this.maxRequestSize.toBytes() > 0;
	}

}
