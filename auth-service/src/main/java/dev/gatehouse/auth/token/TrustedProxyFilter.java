package dev.gatehouse.auth.token;

import java.io.IOException;
import java.util.concurrent.atomic.AtomicBoolean;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.ForwardedHeaderFilter;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Forwarded headers ({@code X-Forwarded-For/-Proto/-Host/-Port/-Prefix},
 * {@code Forwarded}) count only when the socket peer is in
 * {@code gatehouse.auth.trusted-proxies}. From such a peer Spring's
 * {@link ForwardedHeaderFilter} applies them, so redirects, the OpenAPI server URL and
 * same-origin checks see the URL the browser used (behind the gateway:
 * {@code /auth/...}), and the request's remote address becomes the client address
 * {@link ClientAddressResolver} finds. From any other peer they are removed unread.
 * Boot's own handling, which it switches on by itself on Kubernetes, Cloud Foundry and
 * Heroku, stays off ({@code server.forward-headers-strategy: none}).
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE)
class TrustedProxyFilter extends OncePerRequestFilter {

	private static final Logger logger = LoggerFactory.getLogger(TrustedProxyFilter.class);

	private final ClientAddressResolver addresses;

	private final ForwardedHeaderFilter apply = new ForwardedHeaderFilter();

	private final ForwardedHeaderFilter remove = new ForwardedHeaderFilter();

	private final AtomicBoolean untrustedForwardSeen = new AtomicBoolean();

	TrustedProxyFilter(ClientAddressResolver addresses) {
		this.addresses = addresses;
		this.remove.setRemoveOnly(true);
	}

	@Override
	protected boolean shouldNotFilterAsyncDispatch() {
		return false;
	}

	@Override
	protected boolean shouldNotFilterErrorDispatch() {
		return false;
	}

	@Override
	protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
			throws ServletException, IOException {
		String peer = request.getRemoteAddr();
		if (this.addresses.isTrusted(peer)) {
			String client = this.addresses.resolve(request);
			this.apply.doFilter(request, response, (forwarded, answer) -> chain
				.doFilter(new ClientAddressRequest((HttpServletRequest) forwarded, client), answer));
			return;
		}
		if (request.getHeader("X-Forwarded-For") != null && this.untrustedForwardSeen.compareAndSet(false, true)) {
			logger.warn(
					"Ignoring X-Forwarded-For from {}, which is not in gatehouse.auth.trusted-proxies (logged once): "
							+ "if {} is your gateway or proxy, add it there, or every client behind it counts as {}",
					peer, peer, peer);
		}
		this.remove.doFilter(request, response, chain);
	}

	/**
	 * The request as the client sent it to the trusted proxy: its remote address is the
	 * client's.
	 */
	private static final class ClientAddressRequest extends HttpServletRequestWrapper {

		private final String client;

		ClientAddressRequest(HttpServletRequest request, String client) {
			super(request);
			this.client = client;
		}

		@Override
		public String getRemoteAddr() {
			return this.client;
		}

		@Override
		public String getRemoteHost() {
			return this.client;
		}

	}

}
