package dev.gatehouse.gateway.security;

import java.net.URI;
import java.security.Key;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

import io.jsonwebtoken.JwtException;
import io.jsonwebtoken.io.Parser;
import io.jsonwebtoken.security.Jwk;
import io.jsonwebtoken.security.JwkSet;
import io.jsonwebtoken.security.Jwks;
import io.jsonwebtoken.security.PublicJwk;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;

import org.springframework.web.reactive.function.client.WebClient;

/**
 * An issuer's JWKS, fetched without blocking and kept as an immutable in-memory snapshot.
 * <ul>
 * <li>The snapshot is used for {@code jwks-cache-ttl}; after that the next request
 * triggers a background refresh and is served from the old snapshot meanwhile.</li>
 * <li>A token naming an unknown {@code kid} triggers an immediate refetch, at most once
 * per {@code jwks-refetch-cooldown}; all requests arriving while a fetch runs share
 * it.</li>
 * <li>When a fetch fails the last good snapshot keeps serving (logged and counted).</li>
 * </ul>
 * Only asymmetric public keys with {@code use} absent or {@code sig} are taken: a JWKS
 * can never inject an HMAC secret.
 */
final class JwksKeySource implements IssuerKeySource {

	private static final Logger log = LoggerFactory.getLogger(JwksKeySource.class);

	static {
		// jjwt initialises its JWK and curve classes on first use, and that seeds a
		// SecureRandom (a blocking read of /dev/urandom). Done here, when the key source
		// is
		// created at start-up, never on the event loop that parses the first JWKS: a
		// class
		// whose initialiser fails there stays unusable for the life of the JVM.
		Jwks.builder();
	}

	private final String issuer;

	private final URI jwksUri;

	private final Duration ttl;

	private final Duration cooldown;

	private final WebClient webClient;

	private final Clock clock;

	private final MeterRegistry meters;

	private final Parser<JwkSet> parser = Jwks.setParser().ignoreUnsupported(true).build();

	private final AtomicReference<Snapshot> snapshot = new AtomicReference<>(Snapshot.NONE);

	private final AtomicReference<Mono<Snapshot>> inFlight = new AtomicReference<>();

	private volatile Instant lastFetchStarted = Instant.EPOCH;

	JwksKeySource(String issuer, URI jwksUri, Duration ttl, Duration cooldown, WebClient webClient, Clock clock,
			MeterRegistry meters) {
		this.issuer = issuer;
		this.jwksUri = jwksUri;
		this.ttl = ttl;
		this.cooldown = cooldown;
		this.webClient = webClient;
		this.clock = clock;
		this.meters = meters;
	}

	@Override
	public Key find(String kid, String alg) {
		return this.snapshot.get().find(kid, alg);
	}

	@Override
	public Mono<Void> prepare(String kid, String alg) {
		Snapshot current = this.snapshot.get();
		Instant now = this.clock.instant();
		if (current.find(kid, alg) != null) {
			if (current.isStale(now, this.ttl)) {
				refreshIfAllowed(now); // starts a background fetch; this request uses the
										// current keys
			}
			return Mono.empty();
		}
		return refreshIfAllowed(now).flatMap(loaded -> {
			if (!loaded.loaded()) {
				return Mono.error(new KeysUnavailableException(this.issuer, this.cooldown));
			}
			return Mono.empty();
		}).then();
	}

	/** Fetch now, ignoring the cooldown (start-up warm-up). */
	Mono<Snapshot> refresh() {
		return startOrJoinFetch(this.clock.instant());
	}

	private Mono<Snapshot> refreshIfAllowed(Instant now) {
		Mono<Snapshot> running = this.inFlight.get();
		if (running != null) {
			return running;
		}
		if (now.isBefore(this.lastFetchStarted.plus(this.cooldown))) {
			return Mono.just(this.snapshot.get());
		}
		return startOrJoinFetch(now);
	}

	private Mono<Snapshot> startOrJoinFetch(Instant now) {
		Sinks.One<Snapshot> sink = Sinks.one();
		Mono<Snapshot> shared = sink.asMono();
		while (!this.inFlight.compareAndSet(null, shared)) {
			Mono<Snapshot> running = this.inFlight.get();
			if (running != null) {
				return running;
			}
		}
		this.lastFetchStarted = now;
		// The fetch is subscribed here, not by the waiting requests, so a client that
		// disconnects cannot cancel a fetch other requests are waiting for.
		fetch().subscribe(fetched -> {
			this.snapshot.set(fetched);
			this.inFlight.set(null);
			count("success");
			log.info("Loaded {} signing key(s) for issuer {} from {}", fetched.keys().size(), this.issuer,
					this.jwksUri);
			sink.tryEmitValue(fetched);
		}, error -> {
			this.inFlight.set(null);
			count("failure");
			Snapshot last = this.snapshot.get();
			log.warn("Fetching JWKS of issuer {} from {} failed ({}); keeping {} last good key(s)", this.issuer,
					this.jwksUri, error.getClass().getSimpleName(), last.keys().size());
			sink.tryEmitValue(last);
		});
		return shared;
	}

	private Mono<Snapshot> fetch() {
		return this.webClient.get()
			.uri(this.jwksUri)
			.retrieve()
			.bodyToMono(String.class)
			.timeout(Duration.ofSeconds(5))
			.map(this::parse);
	}

	private Snapshot parse(String json) {
		JwkSet set;
		try {
			set = this.parser.parse(json);
		}
		catch (JwtException | IllegalArgumentException ex) {
			throw new IllegalStateException("JWKS document is not valid", ex);
		}
		Map<String, Entry> keys = new HashMap<>();
		for (Jwk<?> jwk : set) {
			if (!(jwk instanceof PublicJwk<?> publicJwk) || jwk.getId() == null) {
				continue;
			}
			String use = publicJwk.getPublicKeyUse();
			if (use != null && !"sig".equals(use)) {
				continue;
			}
			keys.put(jwk.getId(), new Entry(publicJwk.toKey(), jwk.getAlgorithm()));
		}
		return new Snapshot(Map.copyOf(keys), this.clock.instant(), true);
	}

	private void count(String outcome) {
		this.meters.counter("gatehouse.jwks.fetch", "issuer", this.issuer, "outcome", outcome).increment();
	}

	/** A key with its optional {@code alg} restriction. */
	record Entry(Key key, String alg) {

	}

	/**
	 * Keys by {@code kid} as of one fetch.
	 *
	 * @param keys keys by kid
	 * @param fetchedAt when fetched
	 * @param loaded whether a fetch ever succeeded
	 */
	record Snapshot(Map<String, Entry> keys, Instant fetchedAt, boolean loaded) {

		static final Snapshot NONE = new Snapshot(Map.of(), Instant.EPOCH, false);

		Key find(String kid, String alg) {
			Entry entry;
			if (kid != null) {
				// kid is only ever a map key: no paths, URLs or queries are built from it
				entry = this.keys.get(kid);
			}
			else {
				entry = (this.keys.size() == 1) ? this.keys.values().iterator().next() : null;
			}
			if (entry == null || (entry.alg() != null && !entry.alg().equals(alg))) {
				return null;
			}
			return entry.key();
		}

		boolean isStale(Instant now, Duration ttl) {
			return !now.isBefore(this.fetchedAt.plus(ttl));
		}

	}

}
