package dev.gatehouse.gateway;

import java.util.Arrays;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.actuate.autoconfigure.web.ManagementContextConfiguration;
import org.springframework.boot.autoconfigure.AutoConfigurationExcludeFilter;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.context.TypeExcludeFilter;
import org.springframework.context.annotation.ComponentScan;
import org.springframework.context.annotation.FilterType;

import dev.gatehouse.gateway.ops.ValidateCommand;

/**
 * The gateway. {@code @SpringBootApplication}'s scan, except that management-context
 * configuration (the explain endpoint) is left to the management server's own context, so
 * it never answers on the public port.
 */
@SpringBootConfiguration
@EnableAutoConfiguration
@ComponentScan(excludeFilters = { @ComponentScan.Filter(type = FilterType.CUSTOM, classes = TypeExcludeFilter.class),
		@ComponentScan.Filter(type = FilterType.CUSTOM, classes = AutoConfigurationExcludeFilter.class),
		@ComponentScan.Filter(type = FilterType.ANNOTATION, classes = ManagementContextConfiguration.class) })
public class GatewayApplication {

	public static void main(String[] args) {
		if (args.length > 0 && ValidateCommand.NAME.equals(args[0])) {
			// check the configuration and exit, without serving (see docs/operations.md)
			System.exit(ValidateCommand.run(Arrays.copyOfRange(args, 1, args.length), System.out));
		}
		SpringApplication.run(GatewayApplication.class, args);
	}

}
