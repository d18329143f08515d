package dev.gatehouse.gateway.protocol;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Instant;
import java.util.Base64;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import io.grpc.CallOptions;
import io.grpc.ClientInterceptor;
import io.grpc.ClientInterceptors;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Server;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.ServerServiceDefinition;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.TlsServerCredentials;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.MetadataUtils;
import io.grpc.stub.ServerCalls;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import dev.gatehouse.gateway.support.TestCertificates;
import dev.gatehouse.gateway.support.TestTokens;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * gRPC through the gateway with a real grpc-java client (HTTP/2 cleartext to the gateway)
 * and server (HTTP/2 over TLS behind it): unary and server-streaming calls with their
 * trailers, the bearer token taken from the {@code authorization} metadata, and refusals
 * as gRPC statuses.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { "server.http2.enabled=true" })
@ActiveProfiles("grpc")
class GrpcIT {

	private static final KeyPair KEYS = TestTokens.rsa();

	private static final MethodDescriptor.Marshaller<String> TEXT = new MethodDescriptor.Marshaller<>() {

		@Override
		public InputStream stream(String value) {
			return new ByteArrayInputStream(value.getBytes(StandardCharsets.UTF_8));
		}

		@Override
		public String parse(InputStream stream) {
			try {
				return new String(stream.readAllBytes(), StandardCharsets.UTF_8);
			}
			catch (IOException ex) {
				throw new UncheckedIOException(ex);
			}
		}

	};

	private static final MethodDescriptor<String, String> GREET = method("Greet", MethodDescriptor.MethodType.UNARY);

	private static final MethodDescriptor<String, String> COUNT = method("Count",
			MethodDescriptor.MethodType.SERVER_STREAMING);

	private static final MethodDescriptor<String, String> MISSING = method("Missing",
			MethodDescriptor.MethodType.UNARY);

	private static final AtomicReference<Metadata> received = new AtomicReference<>();

	private static final Path directory;

	private static final Server backend;

	static {
		try {
			directory = Files.createTempDirectory("gatehouse-grpc");
			TestCertificates.Pair pair = TestCertificates.generate(directory, "grpc-backend");
			pair.writeTo(directory.resolve("cert.pem"), directory.resolve("key.pem"));
			ServerServiceDefinition service = ServerServiceDefinition.builder("test.Greeter")
				.addMethod(GREET, ServerCalls.asyncUnaryCall((name, reply) -> {
					reply.onNext("hello " + name);
					reply.onCompleted();
				}))
				.addMethod(COUNT, ServerCalls.asyncServerStreamingCall((name, replies) -> {
					for (int i = 1; i <= 3; i++) {
						replies.onNext(name + " " + i);
					}
					replies.onCompleted();
				}))
				.addMethod(MISSING,
						ServerCalls.asyncUnaryCall((name, reply) -> reply.onError(
								Status.NOT_FOUND.withDescription("no such greeting: " + name).asRuntimeException())))
				.build();
			ServerInterceptor noteHeaders = new ServerInterceptor() {

				@Override
				public <Q, R> io.grpc.ServerCall.Listener<Q> interceptCall(io.grpc.ServerCall<Q, R> call,
						Metadata headers, io.grpc.ServerCallHandler<Q, R> next) {
					received.set(headers);
					return next.startCall(call, headers);
				}

			};
			backend = Grpc
				.newServerBuilderForPort(0,
						TlsServerCredentials.create(directory.resolve("cert.pem").toFile(),
								directory.resolve("key.pem").toFile()))
				.addService(ServerInterceptors.intercept(service, noteHeaders))
				.build()
				.start();
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	@LocalServerPort
	int port;

	private ManagedChannel channel;

	@DynamicPropertySource
	static void properties(DynamicPropertyRegistry registry) throws IOException {
		Path key = directory.resolve("issuer.pem");
		Files.writeString(key,
				"-----BEGIN PUBLIC KEY-----\n" + Base64.getMimeEncoder().encodeToString(KEYS.getPublic().getEncoded())
						+ "\n-----END PUBLIC KEY-----\n");
		registry.add("gatehouse.test.grpc-url", () -> "https://localhost:" + backend.getPort());
		registry.add("gatehouse.test.grpc-certificate", () -> directory.resolve("cert.pem").toString());
		registry.add("gatehouse.test.public-key-file", key::toString);
	}

	@AfterAll
	static void stopBackend() throws InterruptedException {
		backend.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
	}

	@BeforeEach
	void openChannel() {
		received.set(null);
		this.channel = Grpc.newChannelBuilder("127.0.0.1:" + this.port, InsecureChannelCredentials.create()).build();
	}

	@AfterEach
	void closeChannel() throws InterruptedException {
		this.channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
	}

	private static MethodDescriptor<String, String> method(String name, MethodDescriptor.MethodType type) {
		return MethodDescriptor.<String, String>newBuilder()
			.setType(type)
			.setFullMethodName(MethodDescriptor.generateFullMethodName("test.Greeter", name))
			.setRequestMarshaller(TEXT)
			.setResponseMarshaller(TEXT)
			.build();
	}

	private io.grpc.Channel as(String token) {
		if (token == null) {
			return this.channel;
		}
		Metadata headers = new Metadata();
		headers.put(Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER), "Bearer " + token);
		ClientInterceptor attach = MetadataUtils.newAttachHeadersInterceptor(headers);
		return ClientInterceptors.intercept(this.channel, attach);
	}

	private static String token(String subject, String... roles) {
		return TestTokens.accessToken(KEYS, Instant.now()).subject(subject).claim("roles", List.of(roles)).compact();
	}

	private static CallOptions options() {
		return CallOptions.DEFAULT.withDeadlineAfter(10, TimeUnit.SECONDS);
	}

	@Test
	void aUnaryCallReachesTheBackendWithTheCallersIdentity() {
		String reply = ClientCalls.blockingUnaryCall(as(token("alice", "user")), GREET, options(), "world");
		assertThat(reply).isEqualTo("hello world");
		Metadata headers = received.get();
		assertThat(headers.get(Metadata.Key.of("x-auth-subject", Metadata.ASCII_STRING_MARSHALLER))).isEqualTo("alice");
		assertThat(headers.get(Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER))).isNull();
	}

	@Test
	void aServerStreamingCallDeliversEveryMessageAndItsTrailers() {
		Iterator<String> replies = ClientCalls.blockingServerStreamingCall(as(token("alice", "user")), COUNT, options(),
				"tick");
		List<String> all = new java.util.ArrayList<>();
		replies.forEachRemaining(all::add);
		assertThat(all).containsExactly("tick 1", "tick 2", "tick 3");
	}

	@Test
	void theBackendsOwnStatusReachesTheClientInTheTrailers() {
		assertThatThrownBy(() -> ClientCalls.blockingUnaryCall(as(token("alice", "user")), MISSING, options(), "x"))
			.isInstanceOfSatisfying(StatusRuntimeException.class, (ex) -> {
				assertThat(ex.getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND);
				assertThat(ex.getStatus().getDescription()).isEqualTo("no such greeting: x");
			});
	}

	@Test
	void aCallWithoutTokenIsUnauthenticatedAndNeverReachesTheBackend() {
		assertThat(status(() -> ClientCalls.blockingUnaryCall(as(null), GREET, options(), "world")))
			.isEqualTo(Status.Code.UNAUTHENTICATED);
		assertThat(status(() -> ClientCalls.blockingUnaryCall(as("not-a-jwt"), GREET, options(), "world")))
			.isEqualTo(Status.Code.UNAUTHENTICATED);
		assertThat(received.get()).isNull();
	}

	@Test
	void aCallerWithoutTheRoleIsPermissionDenied() {
		assertThat(status(() -> ClientCalls.blockingUnaryCall(as(token("alice", "user")),
				method("Greet", MethodDescriptor.MethodType.UNARY).toBuilder()
					.setFullMethodName("admin.Greeter/Greet")
					.build(),
				options(), "world")))
			.isEqualTo(Status.Code.PERMISSION_DENIED);
	}

	@Test
	void aRateLimitedCallIsResourceExhausted() {
		String token = token("grpc-limited", "user");
		MethodDescriptor<String, String> limited = GREET.toBuilder().setFullMethodName("limited.Greeter/Greet").build();
		for (int i = 0; i < 2; i++) {
			assertThat(status(() -> ClientCalls.blockingUnaryCall(as(token), limited, options(), "x")))
				.isNotEqualTo(Status.Code.RESOURCE_EXHAUSTED);
		}
		assertThat(status(() -> ClientCalls.blockingUnaryCall(as(token), limited, options(), "x")))
			.isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
	}

	private static Status.Code status(Runnable call) {
		try {
			call.run();
			return Status.Code.OK;
		}
		catch (StatusRuntimeException ex) {
			return ex.getStatus().getCode();
		}
	}

}
