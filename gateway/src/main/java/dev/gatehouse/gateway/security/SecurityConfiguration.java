package dev.gatehouse.gateway.security;

import java.time.Clock;
import java.time.Duration;

import io.micrometer.core.instrument.MeterRegistry;
import io.netty.channel.ChannelOption;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.netty.http.client.HttpClient;

import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.event.EventListener;
import org.springframework.http.client.reactive.ReactorClientHttpConnector;
import org.springframework.web.reactive.function.client.WebClient;

import dev.gatehouse.gateway.config.GatehouseProperties;

/**
 * Token verification: the configured issuers and their keys, the verifier over them and
 * its cache, and the JWKS warm-up once the application is ready.
 */
@Configuration(proxyBeanMethods = false)
public class SecurityConfiguration {

	private static final Logger log = LoggerFactory.getLogger(SecurityConfiguration.class);

	@Bean
	IssuerRegistry issuerRegistry(GatehouseProperties properties, Clock clock, MeterRegistry meters) {
		HttpClient httpClient = HttpClient.create()
			.option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 2000)
			.responseTimeout(Duration.ofSeconds(5));
		WebClient jwksClient = WebClient.builder().clientConnector(new ReactorClientHttpConnector(httpClient)).build();
		return new IssuerRegistry(properties, jwksClient, clock, meters);
	}

	@Bean
	TokenVerifier tokenVerifier(IssuerRegistry issuers, GatehouseProperties properties, Clock clock) {
		TokenVerifier verifier = issuers.verifier();
		if (!properties.tokenCache().enabled()) {
			return verifier;
		}
		return new CachingTokenVerifier(verifier, clock, properties.tokenCache().maximumSize());
	}

	@EventListener(ApplicationReadyEvent.class)
	void warmUpKeys(ApplicationReadyEvent event) {
		IssuerRegistry issuers = event.getApplicationContext().getBean(IssuerRegistry.class);
		issuers.warmUp().subscribe(null, error -> log.warn("JWKS warm-up failed: {}", error.toString()));
	}

}
