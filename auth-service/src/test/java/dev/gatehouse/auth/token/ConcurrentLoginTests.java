package dev.gatehouse.auth.token;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

import com.jayway.jsonpath.JsonPath;
import org.junit.jupiter.api.Test;

import dev.gatehouse.auth.support.MockMvcTestSupport;
import dev.gatehouse.auth.support.TestUsers;
import dev.gatehouse.auth.user.PasswordHasher;
import dev.gatehouse.auth.user.UserService;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.test.context.bean.override.mockito.MockitoSpyBean;
import org.springframework.test.web.servlet.request.MockHttpServletRequestBuilder;
import org.springframework.transaction.support.TransactionTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.Mockito.doAnswer;
import static org.mockito.Mockito.doThrow;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.header;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

/**
 * Logins racing each other and racing admin changes, made deterministic by holding a
 * login right after its password check (a spy on {@link UserService#authenticate}).
 */
class ConcurrentLoginTests extends MockMvcTestSupport {

	@MockitoSpyBean
	UserService userService;

	@MockitoSpyBean
	PasswordHasher hasher;

	@Autowired
	TransactionTemplate transaction;

	@Test
	void concurrentWrongPasswordsCheckAtMostMaxFailuresPasswords() throws Exception {
		String user = this.users.create(uniqueName("zed"), "user");
		int requests = 24;
		CountDownLatch arrived = new CountDownLatch(requests);
		CountDownLatch release = new CountDownLatch(1);
		AtomicInteger checking = new AtomicInteger();
		ThreadLocal<Boolean> checked = ThreadLocal.withInitial(() -> false);
		doAnswer((invocation) -> {
			checked.set(true);
			checking.incrementAndGet();
			arrived.countDown();
			release.await(30, TimeUnit.SECONDS);
			return invocation.callRealMethod();
		}).when(this.userService).authenticate(eq(user), anyString());
		ExecutorService pool = Executors.newFixedThreadPool(requests);
		try {
			List<Future<Integer>> answers = new ArrayList<>();
			for (int i = 0; i < requests; i++) {
				answers.add(pool.submit(() -> {
					int status = this.mvc.perform(passwordGrant(user, "wrong password").with((request) -> {
						request.setRemoteAddr("203.0.113.40");
						return request;
					})).andReturn().getResponse().getStatus();
					if (!checked.get()) {
						arrived.countDown();
					}
					return status;
				}));
			}
			// every request is either held inside its password check or already answered
			assertThat(arrived.await(60, TimeUnit.SECONDS)).isTrue();
			assertThat(checking.get()).isEqualTo(5);
			release.countDown();
			List<Integer> statuses = new ArrayList<>();
			for (Future<Integer> answer : answers) {
				statuses.add(answer.get(60, TimeUnit.SECONDS));
			}
			assertThat(statuses).as(statuses.toString()).filteredOn((status) -> status == 400).hasSize(5);
			assertThat(statuses).filteredOn((status) -> status == 429).hasSize(requests - 5);
		}
		finally {
			release.countDown();
			pool.shutdownNow();
		}
	}

	@Test
	void aLoginThatReadTheUserBeforeADemotionIssuesTheNewRoles() throws Exception {
		String user = this.users.create(uniqueName("yan"), "user", "admin");
		afterThePasswordCheckOf(user, (name) -> this.userService.update(name,
				new UserService.UserChanges(List.of("user"), null, null, null, null)));
		String accessToken = JsonPath.read(this.mvc.perform(passwordGrant(user, TestUsers.PASSWORD))
			.andExpect(status().isOk())
			.andReturn()
			.getResponse()
			.getContentAsString(), "$.access_token");
		assertThat(JsonPath.<List<String>>read(payload(accessToken), "$.roles")).containsExactly("user");
		this.mvc.perform(get("/admin/users").header(HttpHeaders.AUTHORIZATION, "Bearer " + accessToken))
			.andExpect(status().isForbidden());
	}

	@Test
	void aLoginIssuingWhileADemotionIsUncommittedWaitsForItAndIssuesTheNewRoles() throws Exception {
		String user = this.users.create(uniqueName("uma"), "user", "admin");
		CountDownLatch demoted = new CountDownLatch(1);
		CountDownLatch commit = new CountDownLatch(1);
		ExecutorService admin = Executors.newSingleThreadExecutor();
		try {
			// the demotion locks the user's row and holds it, uncommitted, until the
			// login is blocked on it
			Future<?> demotion = admin.submit(() -> this.transaction.executeWithoutResult((status) -> {
				this.userService.update(user, new UserService.UserChanges(List.of("user"), null, null, null, null));
				demoted.countDown();
				try {
					commit.await(30, TimeUnit.SECONDS);
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
				}
			}));
			assertThat(demoted.await(30, TimeUnit.SECONDS)).isTrue();
			Thread login = Thread.currentThread();
			Thread committer = new Thread(() -> {
				// commit once the login waits for the row lock (it has read the old roles
				// without waiting by then)
				long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
				while (login.getState() == Thread.State.RUNNABLE && System.nanoTime() < deadline) {
					java.util.concurrent.locks.LockSupport.parkNanos(1_000_000);
				}
				commit.countDown();
			});
			committer.start();
			String accessToken = JsonPath.read(this.mvc.perform(passwordGrant(user, TestUsers.PASSWORD))
				.andExpect(status().isOk())
				.andReturn()
				.getResponse()
				.getContentAsString(), "$.access_token");
			demotion.get(30, TimeUnit.SECONDS);
			assertThat(JsonPath.<List<String>>read(payload(accessToken), "$.roles")).containsExactly("user");
		}
		finally {
			commit.countDown();
			admin.shutdownNow();
		}
	}

	@Test
	void aLoginThatReadTheUserBeforeItWasDisabledIssuesNothing() throws Exception {
		String user = this.users.create(uniqueName("xia"), "user");
		afterThePasswordCheckOf(user,
				(name) -> this.userService.update(name, new UserService.UserChanges(null, true, null, null, null)));
		this.mvc.perform(passwordGrant(user, TestUsers.PASSWORD))
			.andExpect(status().isBadRequest())
			.andExpect(jsonPath("$.error_description").value("Inactive user"))
			.andExpect(jsonPath("$.access_token").doesNotExist());
	}

	@Test
	void aLoginWhosePasswordWasChangedAfterTheCheckIssuesNothing() throws Exception {
		String user = this.users.create(uniqueName("wes"), "user");
		afterThePasswordCheckOf(user, (name) -> this.userService.update(name,
				new UserService.UserChanges(null, null, "another password", null, null)));
		this.mvc.perform(passwordGrant(user, TestUsers.PASSWORD))
			.andExpect(status().isBadRequest())
			.andExpect(jsonPath("$.error").value("invalid_grant"))
			.andExpect(jsonPath("$.access_token").doesNotExist());
	}

	@Test
	void saturatedPasswordHashingAnswers503WithRetryAfter() throws Exception {
		String admin = this.users.create(uniqueName("vic"), "user", "admin");
		String adminToken = (String) login(admin, TestUsers.PASSWORD).get("access_token");
		doThrow(new PasswordHasher.BusyException()).when(this.hasher).matches(any(), any());
		doThrow(new PasswordHasher.BusyException()).when(this.hasher).hash(any());
		this.mvc.perform(passwordGrant("anyone", "some password"))
			.andExpect(status().isServiceUnavailable())
			.andExpect(header().string(HttpHeaders.RETRY_AFTER, "1"))
			.andExpect(jsonPath("$.error").value("temporarily_unavailable"));
		this.mvc
			.perform(post("/token").contentType(MediaType.APPLICATION_FORM_URLENCODED)
				.header(HttpHeaders.AUTHORIZATION, TokenEndpointTests.basic("reports-service", "reports-secret"))
				.param("grant_type", "client_credentials"))
			.andExpect(status().isServiceUnavailable())
			.andExpect(header().string(HttpHeaders.RETRY_AFTER, "1"))
			.andExpect(jsonPath("$.error").value("temporarily_unavailable"));
		this.mvc
			.perform(post("/admin/users").header(HttpHeaders.AUTHORIZATION, "Bearer " + adminToken)
				.contentType(MediaType.APPLICATION_JSON)
				.content("{\"username\":\"" + uniqueName("new")
						+ "\",\"password\":\"long enough\",\"roles\":[\"user\"]}"))
			.andExpect(status().isServiceUnavailable())
			.andExpect(header().string(HttpHeaders.RETRY_AFTER, "1"))
			.andExpect(header().string(HttpHeaders.CONTENT_TYPE, "application/problem+json"));
	}

	/**
	 * Runs the change right after the user's password was checked, then lets the clock
	 * pass the revocation's second.
	 */
	private void afterThePasswordCheckOf(String user, Consumer<String> change) {
		doAnswer((invocation) -> {
			Object result = invocation.callRealMethod();
			change.accept(user);
			this.clock.advance(Duration.ofSeconds(2));
			return result;
		}).when(this.userService).authenticate(eq(user), anyString());
	}

	private static MockHttpServletRequestBuilder passwordGrant(String user, String password) {
		return post("/token").contentType(MediaType.APPLICATION_FORM_URLENCODED)
			.param("grant_type", "password")
			.param("username", user)
			.param("password", password);
	}

	private static String payload(String jwt) {
		return new String(java.util.Base64.getUrlDecoder().decode(jwt.split("\\.")[1]),
				java.nio.charset.StandardCharsets.UTF_8);
	}

}
