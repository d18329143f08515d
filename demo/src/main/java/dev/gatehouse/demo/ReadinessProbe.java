package dev.gatehouse.demo;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Whether a child is ready, judged by an answer only that child can give: whatever else
 * listens on its port (an old demo, another program) must never pass for it.
 */
@FunctionalInterface
interface ReadinessProbe {

	/**
	 * Ask once.
	 * @param pid the child's process id
	 * @return whether the child answered that it is ready
	 * @throws InterruptedException when interrupted
	 */
	boolean isReady(long pid) throws InterruptedException;

	/**
	 * A Spring Boot child: its actuator health group named {@code group} says UP, and a
	 * group of another name does not exist. The launcher gives each child a health group
	 * of a fresh random name ({@code management.endpoint.health.group.<name>.include=*}),
	 * so only that child knows the path; another server answers 404 there, or (one that
	 * says UP to everything) UP to the made-up name too.
	 * @param managementBase e.g. {@code http://127.0.0.1:8081}
	 * @param group the health group's name
	 * @return the probe
	 */
	static ReadinessProbe springHealthGroup(String managementBase, String group) {
		HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
		Pattern up = Pattern.compile("^\\{\"status\":\"UP\"[,}]");
		return (pid) -> {
			try {
				HttpResponse<String> ours = client.send(healthRequest(managementBase, group),
						HttpResponse.BodyHandlers.ofString());
				if (ours.statusCode() != 200 || !up.matcher(ours.body()).find()) {
					return false;
				}
				HttpResponse<Void> madeUp = client.send(healthRequest(managementBase, group + "-unknown"),
						HttpResponse.BodyHandlers.discarding());
				return madeUp.statusCode() == 404;
			}
			catch (IOException ex) {
				return false;
			}
		};
	}

	private static HttpRequest healthRequest(String managementBase, String group) {
		return HttpRequest.newBuilder(URI.create(managementBase + "/actuator/health/" + group))
			.timeout(Duration.ofSeconds(2))
			.GET()
			.build();
	}

	/**
	 * A Redis child: {@code INFO server} over the port answers with the child's own
	 * {@code process_id}.
	 * @param host the address Redis binds
	 * @param port its port
	 * @return the probe
	 */
	static ReadinessProbe redisProcessId(String host, int port) {
		Pattern processId = Pattern.compile("(?m)^process_id:(\\d+)\\r?$");
		return (pid) -> {
			try (Socket socket = new Socket()) {
				socket.connect(new InetSocketAddress(host, port), 1000);
				socket.setSoTimeout(2000);
				OutputStream out = socket.getOutputStream();
				out.write("INFO server\r\n".getBytes(StandardCharsets.US_ASCII));
				out.flush();
				Matcher matcher = processId.matcher(readBulkString(socket.getInputStream()));
				return matcher.find() && Long.parseLong(matcher.group(1)) == pid;
			}
			catch (IOException | NumberFormatException ex) {
				return false;
			}
		};
	}

	/**
	 * A RESP bulk string ({@code $<length>\r\n<bytes>\r\n}); anything else (an error,
	 * another protocol) is empty.
	 */
	private static String readBulkString(InputStream in) throws IOException {
		StringBuilder header = new StringBuilder();
		for (int c = in.read(); c != '\n'; c = in.read()) {
			if (c < 0 || header.length() > 20) {
				return "";
			}
			header.append((char) c);
		}
		if (!header.toString().matches("\\$\\d{1,9}\\r")) {
			return "";
		}
		int length = Integer.parseInt(header.substring(1, header.length() - 1));
		return new String(in.readNBytes(length), StandardCharsets.UTF_8);
	}

}
