package dev.gatehouse.auth.problem;

import java.util.List;

import org.apache.tomcat.util.http.InvalidParameterException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.gatehouse.auth.token.InvalidAccessTokenException;
import dev.gatehouse.auth.user.PasswordHasher;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.web.bind.MethodArgumentNotValidException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.context.request.WebRequest;
import org.springframework.web.servlet.mvc.method.annotation.ResponseEntityExceptionHandler;

/**
 * Every error outside the token endpoint as {@code application/problem+json} (RFC 9457). Bodies never carry
 * exception messages of libraries, stack traces or token contents.
 */
@RestControllerAdvice
class ProblemHandler extends ResponseEntityExceptionHandler {

	private static final Logger logger = LoggerFactory.getLogger(ProblemHandler.class);

	@ExceptionHandler(ApiException.class)
	ResponseEntity<ProblemDetail> apiException(ApiException ex) {
		ProblemDetail problem = ProblemDetail.forStatusAndDetail(ex.status(), ex.getMessage());
		problem.setTitle(ex.title());
		return ResponseEntity.status(ex.status()).body(problem);
	}

	@ExceptionHandler(InvalidAccessTokenException.class)
	ResponseEntity<ProblemDetail> invalidToken(InvalidAccessTokenException ex) {
		String challenge = ex.isMissing() ? "Bearer realm=\"gatehouse\""
				: "Bearer realm=\"gatehouse\", error=\"invalid_token\", error_description=\"" + ex.getMessage() + "\"";
		ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.UNAUTHORIZED, ex.getMessage());
		problem.setTitle("Unauthorized");
		return ResponseEntity.status(HttpStatus.UNAUTHORIZED).header(HttpHeaders.WWW_AUTHENTICATE, challenge).body(problem);
	}

	@ExceptionHandler(PasswordHasher.BusyException.class)
	ResponseEntity<ProblemDetail> hashingBusy(PasswordHasher.BusyException ex) {
		ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.SERVICE_UNAVAILABLE, ex.getMessage());
		problem.setTitle("Service Unavailable");
		return ResponseEntity.status(HttpStatus.SERVICE_UNAVAILABLE)
			.header(HttpHeaders.RETRY_AFTER, Integer.toString(PasswordHasher.BusyException.RETRY_AFTER_SECONDS))
			.body(problem);
	}

	/** Tomcat refuses to decode a malformed query string or form body. */
	@ExceptionHandler(InvalidParameterException.class)
	ResponseEntity<ProblemDetail> malformedParameters(InvalidParameterException ex) {
		ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.BAD_REQUEST, "Malformed query string or form body");
		problem.setTitle("Bad Request");
		return ResponseEntity.badRequest().body(problem);
	}

	@ExceptionHandler(Exception.class)
	ResponseEntity<ProblemDetail> unexpected(Exception ex) {
		logger.error("Unexpected error", ex);
		ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.INTERNAL_SERVER_ERROR, "An unexpected error occurred");
		problem.setTitle("Internal Server Error");
		return ResponseEntity.status(HttpStatus.INTERNAL_SERVER_ERROR).body(problem);
	}

	@Override
	protected ResponseEntity<Object> handleMethodArgumentNotValid(MethodArgumentNotValidException ex,
			HttpHeaders headers, HttpStatusCode status, WebRequest request) {
		List<String> errors = ex.getBindingResult()
			.getFieldErrors()
			.stream()
			.map((error) -> error.getField() + ": " + error.getDefaultMessage())
			.sorted()
			.toList();
		ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.BAD_REQUEST, "Invalid request: " + String.join("; ", errors));
		problem.setTitle("Bad Request");
		problem.setProperty("errors", errors);
		return ResponseEntity.badRequest().headers(headers).body(problem);
	}

	@Override
	protected ResponseEntity<Object> handleHttpMessageNotReadable(HttpMessageNotReadableException ex,
			HttpHeaders headers, HttpStatusCode status, WebRequest request) {
		ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.BAD_REQUEST,
				"The request body is not valid JSON of the expected shape");
		problem.setTitle("Bad Request");
		return ResponseEntity.badRequest().headers(headers).body(problem);
	}

}
