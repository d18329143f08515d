package dev.gatehouse.gateway.config;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/**
 * Prints configuration mistakes as a readable start-up failure report.
 */
class InvalidGatewayConfigurationFailureAnalyzer extends AbstractFailureAnalyzer<InvalidGatewayConfigurationException> {

	@Override
	protected FailureAnalysis analyze(Throwable rootFailure, InvalidGatewayConfigurationException cause) {
		return new FailureAnalysis(cause.getMessage(),
				"Fix the listed properties (see docs/gateway.md) and start again.", cause);
	}

}
