package dev.gatehouse.gateway.config;

import org.springframework.boot.reactor.netty.NettyReactiveWebServerFactory;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.core.Ordered;

/**
 * Switches Reactor Netty's forwarded-header handling off after Spring Boot configured the
 * server. Boot turns it on by itself on a platform it detects (Kubernetes, Cloud Foundry,
 * Heroku, ...) unless {@code server.forward-headers-strategy} says otherwise; Reactor
 * Netty would then take the client's leftmost {@code X-Forwarded-For} as the remote
 * address. Whose forwarded headers are believed is decided by
 * {@code gatehouse.gateway.trusted-proxies} alone.
 */
final class ForwardedHeadersOff implements WebServerFactoryCustomizer<NettyReactiveWebServerFactory>, Ordered {

	@Override
	public int getOrder() {
		// after Boot's NettyReactiveWebServerFactoryCustomizer (order 0)
		return Ordered.LOWEST_PRECEDENCE;
	}

	@Override
	public void customize(NettyReactiveWebServerFactory factory) {
		factory.setUseForwardHeaders(false);
	}

}
