package dev.gatehouse.gateway.support;

import java.util.List;

import org.springframework.beans.factory.support.BeanDefinitionRegistry;
import org.springframework.context.ApplicationContextInitializer;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * grpc-java on the test classpath (for {@code GrpcIT}'s real gRPC client and server)
 * switches on Spring Cloud Gateway's JSON-to-gRPC filter, which needs the unshaded
 * grpc-netty and protobuf; the gateway ships neither and proxies gRPC as plain HTTP/2
 * without it. Registered for every test application context in
 * {@code META-INF/spring.factories}.
 */
public final class WithoutJsonToGrpcFilter implements ApplicationContextInitializer<ConfigurableApplicationContext> {

	private static final List<String> BEANS = List.of("jsonToGRPCFilterFactory", "grpcSslConfigurer");

	@Override
	public void initialize(ConfigurableApplicationContext context) {
		context.addBeanFactoryPostProcessor((beanFactory) -> {
			if (beanFactory instanceof BeanDefinitionRegistry registry) {
				for (String name : BEANS) {
					if (registry.containsBeanDefinition(name)) {
						registry.removeBeanDefinition(name);
					}
				}
			}
		});
	}

}
