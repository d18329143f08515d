package dev.gatehouse.gateway.support;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import dev.gatehouse.gateway.GatewayApplication;
import dev.gatehouse.gateway.redis.RedisConnectionReadiness;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

/** One real gateway on random ports, for tests that run several side by side. */
public final class GatewayInstance implements AutoCloseable {

	private static final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

	private final ConfigurableApplicationContext context;

	private final String baseUrl;

	private GatewayInstance(ConfigurableApplicationContext context) {
		this.context = context;
		this.baseUrl = "http://127.0.0.1:" + ((WebServerApplicationContext) context).getWebServer().getPort();
	}

	public static GatewayInstance start(String profile, Map<String, String> properties) {
		List<String> args = new ArrayList<>(
				List.of("--server.port=0", "--management.server.port=0", "--spring.profiles.active=" + profile));
		properties.forEach((key, value) -> args.add("--" + key + "=" + value));
		GatewayInstance gateway = new GatewayInstance(
				new SpringApplicationBuilder(GatewayApplication.class).run(args.toArray(String[]::new)));
		gateway.awaitRedis();
		return gateway;
	}

	public HttpResponse<String> get(String path, String accessToken) throws IOException, InterruptedException {
		return http.send(request(path, accessToken), HttpResponse.BodyHandlers.ofString());
	}

	public CompletableFuture<HttpResponse<String>> getAsync(String path, String accessToken) {
		return http.sendAsync(request(path, accessToken), HttpResponse.BodyHandlers.ofString());
	}

	private HttpRequest request(String path, String accessToken) {
		HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(this.baseUrl + path))
			.timeout(Duration.ofSeconds(30));
		if (accessToken != null) {
			request.header("Authorization", "Bearer " + accessToken);
		}
		return request.build();
	}

	/**
	 * Redis is connected in the background; tests that count admissions start once it is.
	 */
	private void awaitRedis() {
		RedisConnectionReadiness readiness = this.context.getBeanProvider(RedisConnectionReadiness.class)
			.getIfAvailable();
		if (readiness != null) {
			try {
				readiness.ready().block(Duration.ofSeconds(30));
			}
			catch (RuntimeException ex) {
				this.context.close();
				throw new IllegalStateException("the gateway did not connect to Redis within 30 s", ex);
			}
		}
	}

	/** {@code http://127.0.0.1:<port>} */
	public String baseUrl() {
		return this.baseUrl;
	}

	/** {@code http://127.0.0.1:<management port>} */
	public String managementUrl() {
		return "http://127.0.0.1:" + this.context.getEnvironment().getProperty("local.management.port");
	}

	public <T> T bean(Class<T> type) {
		return this.context.getBean(type);
	}

	@Override
	public void close() {
		this.context.close();
	}

}
