package dev.gatehouse.auth.revocation;

/** Where revocations go so that gateways learn them: Redis when configured. */
interface RevocationPublisher {

	/** Whether revocations are published at all; when not, the outbox is not written. */
	boolean enabled();

	/**
	 * Publishes one revocation; throws when the store cannot be reached (the outbox keeps
	 * it for a retry).
	 */
	void publish(RevocationEvent event);

	/**
	 * Opens the connection ahead of the first revocation; throws when the store cannot be
	 * reached.
	 */
	default void connect() {
	}

}
