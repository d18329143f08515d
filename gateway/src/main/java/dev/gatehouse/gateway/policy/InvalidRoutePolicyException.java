package dev.gatehouse.gateway.policy;

/**
 * A route's {@code metadata} does not describe a valid Gatehouse policy.
 */
public class InvalidRoutePolicyException extends RuntimeException {

	private final String key;

	/**
	 * @param key the metadata key at fault (e.g. {@code roles[1]})
	 * @param message what is wrong with it
	 */
	public InvalidRoutePolicyException(String key, String message) {
		super("metadata." + key + ": " + message);
		this.key = key;
	}

	public String getKey() {
		return this.key;
	}

}
