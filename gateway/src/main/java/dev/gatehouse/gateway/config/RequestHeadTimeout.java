package dev.gatehouse.gateway.config;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.timeout.ReadTimeoutHandler;
import reactor.netty.NettyPipeline;
import reactor.netty.http.server.HttpServer;

import org.springframework.boot.reactor.netty.NettyServerCustomizer;

/**
 * Closes an HTTP/1.1 connection whose first request head (request line and headers) has
 * not completely arrived within {@code gatehouse.gateway.request-head-timeout} of the
 * connection opening, however the bytes trickle in.
 * <p>
 * Reactor Netty has no such setting of its own: its
 * {@code readTimeout}/{@code requestTimeout} only start once a head is complete (they
 * bound the body), and its idle timeout ({@code server.netty.idle-timeout}), which is
 * also not reset by a partial head, is sized for keep-alive connections waiting for their
 * next request. A timer placed right behind the HTTP decoder is reset only by decoded
 * messages, so a partial head never resets it; it leaves the pipeline with the first
 * complete head. HTTP/2 connections (no HTTP/1.1 codec at connection time) are left to
 * the idle timeout.
 */
final class RequestHeadTimeout implements NettyServerCustomizer {

	static final String HANDLER_NAME = "gatehouse.requestHeadTimeout";

	private final Duration timeout;

	RequestHeadTimeout(Duration timeout) {
		this.timeout = timeout;
	}

	@Override
	public HttpServer apply(HttpServer server) {
		return server.doOnChannelInit((observer, channel, remoteAddress) -> {
			ChannelPipeline pipeline = channel.pipeline();
			if (pipeline.get(NettyPipeline.HttpCodec) != null) {
				pipeline.addAfter(NettyPipeline.HttpCodec, HANDLER_NAME, new FirstHeadTimeoutHandler(this.timeout));
			}
		});
	}

	/** A read timeout over decoded messages that ends with the first request head. */
	static final class FirstHeadTimeoutHandler extends ReadTimeoutHandler {

		FirstHeadTimeoutHandler(Duration timeout) {
			super(Math.max(timeout.toMillis(), 1), TimeUnit.MILLISECONDS);
		}

		@Override
		public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
			if (msg instanceof HttpRequest) {
				ctx.pipeline().remove(this);
			}
			ctx.fireChannelRead(msg);
		}

		@Override
		protected void readTimedOut(ChannelHandlerContext ctx) {
			// nothing to answer: the client never completed a request
			ctx.close();
		}

	}

}
