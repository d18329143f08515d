package dev.gatehouse.gateway.routes;

import reactor.core.publisher.Mono;

import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.core.Ordered;
import org.springframework.web.reactive.HandlerMapping;
import org.springframework.web.reactive.result.method.AbstractHandlerMethodMapping;
import org.springframework.web.server.ServerWebExchange;

/**
 * Takes handler-method mappings that have nothing to map out of the public port's request
 * dispatch. With the management port apart, Spring Boot puts a mapping for health groups'
 * additional paths ({@code management.endpoint.health.group.<name>.additional-path:
 * "server:..."}) in front of every other, even when no group has one: it then looks each
 * request up among no paths at all (about 1 % of a request's CPU on one core,
 * {@code bench/gateway.sh}). A mapping with handler methods, such as one with additional
 * paths, is left as it is.
 */
final class EmptyHandlerMappings implements BeanPostProcessor {

	@Override
	public Object postProcessAfterInitialization(Object bean, String beanName) {
		// after initialisation: the mapping has registered whatever it maps
		if (bean instanceof AbstractHandlerMethodMapping<?> mapping && mapping.getHandlerMethods().isEmpty()) {
			return new NoHandler(mapping.getOrder());
		}
		return bean;
	}

	/** A mapping that finds no handler for any request, in the place of the empty one. */
	record NoHandler(int order) implements HandlerMapping, Ordered {

		@Override
		public Mono<Object> getHandler(ServerWebExchange exchange) {
			return Mono.empty();
		}

		@Override
		public int getOrder() {
			return this.order;
		}

	}

}
