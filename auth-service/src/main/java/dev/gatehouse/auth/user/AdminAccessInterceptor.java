package dev.gatehouse.auth.user;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import dev.gatehouse.auth.bearer.BearerAuthenticator;

import org.springframework.context.annotation.Configuration;
import org.springframework.web.servlet.HandlerInterceptor;
import org.springframework.web.servlet.config.annotation.InterceptorRegistry;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;

/**
 * Lets only callers with role {@code admin} reach {@code /admin/**}, before the request
 * body is even read: an anonymous caller gets 401 and a non-admin 403, never a validation
 * error.
 */
@Configuration(proxyBeanMethods = false)
class AdminAccessInterceptor implements HandlerInterceptor, WebMvcConfigurer {

	static final String ADMIN = "admin";

	private final BearerAuthenticator authenticator;

	AdminAccessInterceptor(BearerAuthenticator authenticator) {
		this.authenticator = authenticator;
	}

	@Override
	public boolean preHandle(HttpServletRequest request, HttpServletResponse response, Object handler) {
		this.authenticator.requireRole(request, ADMIN);
		return true;
	}

	@Override
	public void addInterceptors(InterceptorRegistry registry) {
		registry.addInterceptor(this).addPathPatterns("/admin", "/admin/**");
	}

}
