// Fallback backend for bench/gateway.sh when nginx is not installed and cannot be installed
// (run as a single-file program: java bench/Backend.java <port>). Answers every GET with a small JSON body;
// /api/echo returns the identity headers it received. Slower than nginx: prefer nginx for real numbers.
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Executors;

public class Backend {

	public static void main(String[] args) throws IOException {
		HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", Integer.parseInt(args[0])), 1024);
		server.setExecutor(Executors.newFixedThreadPool(4));
		server.createContext("/", Backend::answer);
		server.start();
	}

	private static void answer(HttpExchange exchange) throws IOException {
		String body = "/api/echo".equals(exchange.getRequestURI().getPath())
				? "{\"subject\":\"" + header(exchange, "X-Auth-Subject") + "\",\"roles\":\"" + header(exchange, "X-Auth-Roles")
						+ "\",\"authorization\":\"" + header(exchange, "Authorization") + "\"}"
				: "{\"id\":1,\"name\":\"bench\",\"ok\":true}";
		byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
		exchange.getResponseHeaders().set("Content-Type", "application/json");
		exchange.sendResponseHeaders(200, bytes.length);
		try (OutputStream out = exchange.getResponseBody()) {
			out.write(bytes);
		}
	}

	private static String header(HttpExchange exchange, String name) {
		String value = exchange.getRequestHeaders().getFirst(name);
		return value == null ? "" : value;
	}

}
