package dev.gatehouse.gateway.protocol;

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
public record ProtocolProperties(Integer httpRedirectPort, @DefaultValue("10MB") DataSize maxRequestSize) {

}
