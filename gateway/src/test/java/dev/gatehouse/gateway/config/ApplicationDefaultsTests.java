package dev.gatehouse.gateway.config;

import java.io.IOException;

import org.junit.jupiter.api.Test;

import org.springframework.boot.env.YamlPropertySourceLoader;
import org.springframework.core.env.PropertySource;
import org.springframework.core.io.ClassPathResource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What the shipped application.yml promises an operator who sets nothing.
 */
class ApplicationDefaultsTests {

	private static PropertySource<?> applicationYml() throws IOException {
		return new YamlPropertySourceLoader().load("application.yml", new ClassPathResource("application.yml")).get(0);
	}

	@Test
	void springBootNeverReadsForwardedHeadersItself() throws IOException {
		assertThat(applicationYml().getProperty("server.forward-headers-strategy")).hasToString("none");
	}

	@Test
	void slowAndIdleClientsCannotHoldConnectionsForever() throws IOException {
		PropertySource<?> yml = applicationYml();
		assertThat(yml.getProperty("server.netty.idle-timeout")).hasToString("75s");
		assertThat(yml.getProperty("gatehouse.gateway.request-head-timeout")).hasToString("10s");
	}

}
