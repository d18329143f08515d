package dev.gatehouse.gateway.routes;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.boot.context.properties.bind.PlaceholdersResolver;
import org.springframework.cloud.gateway.event.RefreshRoutesEvent;
import org.springframework.cloud.gateway.event.RefreshRoutesResultEvent;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.ApplicationListener;
import org.springframework.context.SmartLifecycle;

/**
 * Watches {@code gatehouse.gateway.routes-file} and swaps its routes while the gateway
 * serves. The file is read on a dedicated thread (never an event loop) every poll
 * interval; a change is taken once two reads in a row agree (an editor's half-written
 * file is not), then checked in full ({@link RouteDefinitionChecker}: predicates,
 * filters, policy, ids) before anything changes. A valid file replaces the file's routes
 * as a whole and Spring Cloud Gateway rebuilds its route cache and swaps it in one step:
 * a request matches either the old set or the new one, and a request already routed
 * finishes on the route it matched. An invalid file changes nothing: the last good routes
 * keep serving, and the problems are logged once, counted and kept in
 * {@link RoutesReload}. Polling rather than file-system events works the same for a
 * Kubernetes ConfigMap (a symlink swap), a bind mount or an editor's rename.
 */
final class RoutesFileWatcher implements SmartLifecycle, ApplicationListener<RefreshRoutesResultEvent> {

	private static final Logger log = LoggerFactory.getLogger(RoutesFileWatcher.class);

	private final Path file;

	private final Duration interval;

	private final RoutesFileLocator locator;

	private final RouteDefinitionChecker checker;

	private final Collection<String> otherRouteIds;

	private final RoutesReload reload;

	private final ApplicationEventPublisher publisher;

	private final PlaceholdersResolver placeholders;

	private volatile ScheduledExecutorService executor;

	/** What the file held when its routes were last applied. */
	private byte[] applied;

	/** What the previous read returned ({@code null}: unreadable). */
	private byte[] seen;

	/** The content last refused, so a broken file is reported once, not every poll. */
	private byte[] refused;

	private boolean unreadableReported;

	/**
	 * @param file the routes file
	 * @param interval how often it is read
	 * @param locator where its routes are served from
	 * @param initial the content the locator's routes were read from at start-up
	 * @param checker the full check
	 * @param otherRouteIds ids of the application configuration's routes
	 * @param reload status and counters
	 * @param publisher to ask Spring Cloud Gateway for a refresh
	 * @param placeholders resolves {@code ${...}} in the file
	 */
	RoutesFileWatcher(Path file, Duration interval, RoutesFileLocator locator, byte[] initial,
			RouteDefinitionChecker checker, Collection<String> otherRouteIds, RoutesReload reload,
			ApplicationEventPublisher publisher, PlaceholdersResolver placeholders) {
		this.file = file;
		this.interval = interval;
		this.locator = locator;
		this.applied = initial;
		this.seen = initial;
		this.checker = checker;
		this.otherRouteIds = List.copyOf(otherRouteIds);
		this.reload = reload;
		this.publisher = publisher;
		this.placeholders = placeholders;
	}

	RoutesFileLocator locator() {
		return this.locator;
	}

	@Override
	public void start() {
		ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor((task) -> {
			Thread thread = new Thread(task, "gatehouse-routes-file");
			thread.setDaemon(true);
			return thread;
		});
		long millis = this.interval.toMillis();
		executor.scheduleWithFixedDelay(this::poll, millis, millis, TimeUnit.MILLISECONDS);
		this.executor = executor;
	}

	@Override
	public void stop() {
		ScheduledExecutorService executor = this.executor;
		if (executor != null) {
			executor.shutdownNow();
			this.executor = null;
		}
	}

	@Override
	public boolean isRunning() {
		return this.executor != null;
	}

	/** One read of the file; runs on the watcher thread only (tests call it directly). */
	synchronized void poll() {
		try {
			byte[] content;
			try {
				content = RoutesFile.read(this.file);
			}
			catch (IOException ex) {
				this.seen = null;
				if (!this.unreadableReported) {
					this.unreadableReported = true;
					refuse(List.of(this.file + ": " + RoutesFile.unreadable(ex)));
				}
				return;
			}
			this.unreadableReported = false;
			byte[] previous = this.seen;
			this.seen = content;
			if (Arrays.equals(content, this.applied) || Arrays.equals(content, this.refused)
					|| !Arrays.equals(content, previous)) {
				// unchanged, already refused, or still being written: wait for the next
				// read
				return;
			}
			apply(content);
		}
		catch (RuntimeException ex) {
			// the watcher must survive anything; the routes stay as they are
			log.error("Checking the routes file {} failed; the current routes keep serving", this.file, ex);
		}
	}

	private void apply(byte[] content) {
		RoutesFile.Parsed parsed = RoutesFile.parse(this.file, content, this.placeholders);
		List<String> problems = parsed.problems().isEmpty() ? this.checker.check(parsed.routes(), this.otherRouteIds)
				: parsed.problems();
		if (!problems.isEmpty()) {
			this.refused = content;
			refuse(problems.stream().map((problem) -> this.file + ": " + problem).toList());
			return;
		}
		this.locator.replace(parsed.routes());
		this.applied = content;
		this.refused = null;
		this.reload.loaded(parsed.routes().size());
		log.info("Routes file {} reloaded: {} routes", this.file, parsed.routes().size());
		// Spring Cloud Gateway's CachingRouteLocator builds the new routes, then replaces
		// its cache in one step
		this.publisher.publishEvent(new RefreshRoutesEvent(this));
	}

	private void refuse(List<String> problems) {
		this.reload.failed(problems);
		log.error("Routes file {} refused; the last good routes keep serving:\n - {}", this.file,
				String.join("\n - ", problems));
	}

	@Override
	public void onApplicationEvent(RefreshRoutesResultEvent event) {
		if (!event.isSuccess()) {
			// every definition was checked with the same factories: not expected
			this.reload.failed(List.of(this.file + ": the routes could not be built: " + event.getThrowable()));
		}
	}

}
