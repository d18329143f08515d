package dev.gatehouse.gateway.protocol;

import java.time.Duration;
import java.util.regex.Pattern;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.netty.DisposableServer;
import reactor.netty.http.server.HttpServer;
import reactor.netty.http.server.HttpServerRequest;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.boot.web.server.context.WebServerInitializedEvent;
import org.springframework.context.ApplicationListener;

/**
 * The optional plain-HTTP listener ({@code gatehouse.gateway.http-redirect-port}): every
 * request is answered with a redirect to the same path on the HTTPS port (301 for GET and
 * HEAD, 308 otherwise, which keeps the method and body); nothing is proxied, no request
 * body is read. Opened once the public HTTPS port is bound.
 */
final class HttpsRedirectListener implements ApplicationListener<WebServerInitializedEvent>, DisposableBean {

	private static final Logger log = LoggerFactory.getLogger(HttpsRedirectListener.class);

	/** A DNS name or IPv4 address, or a bracketed IPv6 literal, with an optional port. */
	private static final Pattern HOST = Pattern.compile("([A-Za-z0-9.-]{1,253}|\\[[0-9A-Fa-f:.]{2,45}\\])(:\\d{1,5})?");

	private final String address;

	private final int port;

	private volatile DisposableServer server;

	/**
	 * @param address the address to bind ({@code server.address}); {@code null}: all
	 * @param port the plain-HTTP port (0: any free port)
	 */
	HttpsRedirectListener(String address, int port) {
		this.address = address;
		this.port = port;
	}

	@Override
	public void onApplicationEvent(WebServerInitializedEvent event) {
		if (event.getApplicationContext().getServerNamespace() != null || this.server != null) {
			// the management server, or already open
			return;
		}
		int httpsPort = event.getWebServer().getPort();
		HttpServer http = HttpServer.create()
			.port(this.port)
			.idleTimeout(Duration.ofSeconds(10))
			.handle((request, response) -> {
				String location = location(request, httpsPort);
				if (location == null) {
					return response.status(HttpResponseStatus.BAD_REQUEST)
						.header(HttpHeaderNames.CONTENT_LENGTH, "0")
						.send();
				}
				boolean safe = HttpMethod.GET.equals(request.method()) || HttpMethod.HEAD.equals(request.method());
				return response
					.status(safe ? HttpResponseStatus.MOVED_PERMANENTLY : HttpResponseStatus.PERMANENT_REDIRECT)
					.header(HttpHeaderNames.LOCATION, location)
					.header(HttpHeaderNames.CONTENT_LENGTH, "0")
					.header(HttpHeaderNames.CONNECTION, "close")
					.send();
			});
		if (this.address != null) {
			http = http.host(this.address);
		}
		this.server = http.bindNow();
		log.info("Plain HTTP on port {} redirects to HTTPS on port {}", port(), httpsPort);
	}

	/**
	 * @return {@code https://<host>[:port]<path?query>}, or {@code null} when the
	 * request's {@code Host} or target cannot make a safe URL
	 */
	static String location(HttpServerRequest request, int httpsPort) {
		String host = request.requestHeaders().get(HttpHeaderNames.HOST);
		String target = request.uri();
		if (host == null || !HOST.matcher(host).matches() || !target.startsWith("/") || target.startsWith("//")) {
			return null;
		}
		int colon = host.lastIndexOf(':');
		if (colon > host.lastIndexOf(']')) {
			host = host.substring(0, colon);
		}
		return "https://" + host + ((httpsPort == 443) ? "" : ":" + httpsPort) + target;
	}

	/**
	 * @return the bound port, or -1 before it is open
	 */
	int port() {
		DisposableServer current = this.server;
		return (current != null) ? current.port() : -1;
	}

	@Override
	public void destroy() {
		DisposableServer current = this.server;
		if (current != null) {
			current.disposeNow(Duration.ofSeconds(5));
		}
	}

}
