package dev.gatehouse.gateway.routes;

import java.lang.reflect.Method;

import org.junit.jupiter.api.Test;
import reactor.test.StepVerifier;

import org.springframework.context.support.StaticApplicationContext;
import org.springframework.core.Ordered;
import org.springframework.mock.http.server.reactive.MockServerHttpRequest;
import org.springframework.mock.web.server.MockServerWebExchange;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.reactive.HandlerMapping;
import org.springframework.web.reactive.result.method.annotation.RequestMappingHandlerMapping;

import static org.assertj.core.api.Assertions.assertThat;

class EmptyHandlerMappingsTests {

	private final EmptyHandlerMappings processor = new EmptyHandlerMappings();

	@Test
	void aMappingWithNothingToMapIsReplacedByOneThatAnswersNothingInItsPlace() {
		RequestMappingHandlerMapping empty = mapping(-100);
		Object replaced = this.processor.postProcessAfterInitialization(empty, "empty");
		assertThat(replaced).isNotSameAs(empty).isInstanceOf(HandlerMapping.class);
		assertThat(((Ordered) replaced).getOrder()).isEqualTo(-100);
		StepVerifier
			.create(((HandlerMapping) replaced)
				.getHandler(MockServerWebExchange.from(MockServerHttpRequest.get("http://gw/livez"))))
			.verifyComplete();
	}

	@Test
	void aMappingWithHandlerMethodsIsLeftAsItIs() throws NoSuchMethodException {
		RequestMappingHandlerMapping mapping = mapping(-100);
		Method method = Health.class.getMethod("livez");
		mapping.registerMapping(
				org.springframework.web.reactive.result.method.RequestMappingInfo.paths("/livez").build(), new Health(),
				method);
		assertThat(this.processor.postProcessAfterInitialization(mapping, "additional-paths")).isSameAs(mapping);
	}

	@Test
	void otherBeansAreLeftAsTheyAre() {
		Object bean = new Object();
		assertThat(this.processor.postProcessAfterInitialization(bean, "other")).isSameAs(bean);
	}

	private static RequestMappingHandlerMapping mapping(int order) {
		RequestMappingHandlerMapping mapping = new RequestMappingHandlerMapping();
		mapping.setApplicationContext(new StaticApplicationContext());
		mapping.setOrder(order);
		mapping.afterPropertiesSet();
		return mapping;
	}

	static class Health {

		@GetMapping("/livez")
		public String livez() {
			return "UP";
		}

	}

}
