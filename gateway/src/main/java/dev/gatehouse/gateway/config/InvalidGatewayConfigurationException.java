package dev.gatehouse.gateway.config;

import java.util.List;

/**
 * A configuration mistake that stops start-up. Each problem names the property key.
 */
public class InvalidGatewayConfigurationException extends RuntimeException {

	private final List<String> problems;

	public InvalidGatewayConfigurationException(List<String> problems) {
		super("Invalid Gatehouse gateway configuration:\n - " + String.join("\n - ", problems));
		this.problems = List.copyOf(problems);
	}

	public List<String> getProblems() {
		return this.problems;
	}

}
