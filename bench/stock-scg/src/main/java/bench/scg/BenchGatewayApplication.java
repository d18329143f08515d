package bench.scg;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/**
 * Reference gateways for {@code bench/gateway.sh}: stock Spring Cloud Gateway (profile {@code stock}) and the same
 * gateway behind Spring Security's reactive OAuth2 resource server (profile {@code security}). The one route is in
 * {@code application.yml}.
 */
@SpringBootApplication
public class BenchGatewayApplication {

	public static void main(String[] args) {
		SpringApplication.run(BenchGatewayApplication.class, args);
	}

}
