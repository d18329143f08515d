package dev.gatehouse.gateway.protocol;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import io.netty.buffer.ByteBuf;
import io.netty.handler.codec.http.HttpHeaders;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;
import reactor.netty.DisposableServer;
import reactor.netty.http.server.HttpServer;
import reactor.netty.http.server.WebsocketServerSpec;

/**
 * A Reactor Netty backend for protocol tests: counts uploaded bytes without keeping them,
 * streams server-sent events on the test's signal, answers late (or its body late), and
 * echoes WebSocket messages (subprotocol {@code chat}). It notes the last request's
 * headers.
 */
final class StreamingBackend implements AutoCloseable {

	final AtomicReference<HttpHeaders> lastHeaders = new AtomicReference<>();

	final AtomicInteger requests = new AtomicInteger();

	/** When the first byte of the last upload arrived (nanoTime), or 0. */
	final AtomicLong firstByteNanos = new AtomicLong();

	private volatile Sinks.Empty<Void> release = Sinks.empty();

	/** The backend's delays, apart from the gateway's schedulers. */
	private final Scheduler delays = Schedulers.newSingle("backend-delays");

	private final DisposableServer server;

	StreamingBackend() {
		this.server = HttpServer.create()
			.host("127.0.0.1")
			.port(0)
			.route((routes) -> routes.get("/{route}/ws", (request, response) -> {
				note(request.requestHeaders());
				return response.sendWebsocket((in, out) -> out.send(in.receive().retain()),
						WebsocketServerSpec.builder().protocols("chat").build());
			}).get("/{route}/events", (request, response) -> {
				note(request.requestHeaders());
				Flux<String> events = Flux.concat(Mono.just("data: first\n\n"),
						this.release.asMono().then(Mono.just("data: second\n\n")));
				return response.header("Content-Type", "text/event-stream").sendString(events);
			}).get("/{route}/late", (request, response) -> {
				note(request.requestHeaders());
				// late by a timer of the connection's event loop: no Reactor delay
				Mono<Void> later = Mono.create((sink) -> request.withConnection((connection) -> connection.channel()
					.eventLoop()
					.schedule(() -> sink.success(), 1500, TimeUnit.MILLISECONDS)));
				return later.then(response.sendString(Mono.just("late")).then());
			}).get("/{route}/slow-body", (request, response) -> {
				note(request.requestHeaders());
				// headers and the first chunk at once, the rest after 1.5 s of silence
				return response.sendString(Flux.concat(Mono.just("start "),
						Mono.delay(Duration.ofMillis(1500), this.delays).thenReturn("end")));
			}).post("/{route}/upload", (request, response) -> {
				note(request.requestHeaders());
				this.firstByteNanos.set(0);
				AtomicLong count = new AtomicLong();
				return request.receive().doOnNext((ByteBuf buffer) -> {
					this.firstByteNanos.compareAndSet(0, System.nanoTime());
					count.addAndGet(buffer.readableBytes());
				}).then(Mono.defer(() -> response.sendString(Mono.just(Long.toString(count.get()))).then()));
			}).route((request) -> true, (request, response) -> {
				note(request.requestHeaders());
				return request.receive().then(response.sendString(Mono.just("ok")).then());
			}))
			.bindNow();
	}

	private void note(HttpHeaders headers) {
		this.requests.incrementAndGet();
		this.lastHeaders.set(headers.copy());
	}

	/** Lets every held event stream send its second event and complete. */
	void releaseStreams() {
		this.release.tryEmitEmpty();
		this.release = Sinks.empty();
	}

	String baseUrl() {
		return "http://127.0.0.1:" + this.server.port();
	}

	String header(String name) {
		HttpHeaders headers = this.lastHeaders.get();
		return (headers != null) ? headers.get(name) : null;
	}

	static byte[] ascii(String text) {
		return text.getBytes(StandardCharsets.US_ASCII);
	}

	@Override
	public void close() {
		this.server.disposeNow(Duration.ofSeconds(5));
		this.delays.dispose();
	}

}
