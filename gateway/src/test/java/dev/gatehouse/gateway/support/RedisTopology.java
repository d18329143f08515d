package dev.gatehouse.gateway.support;

import java.util.Map;

/** A Redis deployment started by a test, and how Spring Boot is pointed at it. */
public interface RedisTopology extends AutoCloseable {

	/** {@code spring.data.redis.*} properties that point a service at this topology. */
	Map<String, String> springProperties();

	@Override
	void close();

}
