package dev.gatehouse.auth.problem;

import java.net.URI;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import org.apache.tomcat.util.http.InvalidParameterException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.exc.PropertyBindingException;

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
 * Every error outside the token endpoint as {@code application/problem+json} (RFC 9457),
 * in the gateway's shape: {@code type} ({@code urn:gatehouse:problem:<name>}),
 * {@code title}, {@code status}, {@code detail}, {@code instance} (the request path) and
 * {@code requestId} (the gateway's {@code X-Request-Id}, when the request carries a sane
 * one). An {@link ApiException} carries its own answer; Spring MVC's own errors get the
 * type of their status. Bodies never carry exception messages of libraries, stack traces
 * or token contents.
 */
@RestControllerAdvice
class ProblemHandler extends ResponseEntityExceptionHandler {

	private static final Logger logger = LoggerFactory.getLogger(ProblemHandler.class);

	/**
	 * The request id the gateway sends; kept only when it is sane (as the gateway does).
	 */
	static final String REQUEST_ID_HEADER = "X-Request-Id";

	private static final Pattern SANE_REQUEST_ID = Pattern.compile("[A-Za-z0-9._-]{1,128}");

	private static final URI ABOUT_BLANK = URI.create("about:blank");

	@ExceptionHandler(ApiException.class)
	ResponseEntity<Object> apiException(ApiException ex, WebRequest request) {
		return createResponseEntity(ex.getBody(), ex.getHeaders(), ex.getStatusCode(), request);
	}

	/** Tomcat refuses to decode a malformed query string or form body. */
	@ExceptionHandler(InvalidParameterException.class)
	ResponseEntity<Object> malformedParameters(InvalidParameterException ex, WebRequest request) {
		ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.BAD_REQUEST,
				"Malformed query string or form body");
		return createResponseEntity(problem, HttpHeaders.EMPTY, HttpStatus.BAD_REQUEST, request);
	}

	@ExceptionHandler(Exception.class)
	ResponseEntity<Object> unexpected(Exception ex, WebRequest request) {
		logger.error("Unexpected error", ex);
		ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.INTERNAL_SERVER_ERROR,
				"An unexpected error occurred");
		return createResponseEntity(problem, HttpHeaders.EMPTY, HttpStatus.INTERNAL_SERVER_ERROR, request);
	}

	/**
	 * Every answer of this handler passes here: a problem without a type of its own gets
	 * the one of its status, and the request id is added.
	 */
	@Override
	protected ResponseEntity<Object> createResponseEntity(Object body, HttpHeaders headers, HttpStatusCode statusCode,
			WebRequest request) {
		if (body instanceof ProblemDetail problem) {
			if (problem.getType() == null || ABOUT_BLANK.equals(problem.getType())) {
				typeByStatus(problem, statusCode);
			}
			String requestId = request.getHeader(REQUEST_ID_HEADER);
			if (requestId != null && SANE_REQUEST_ID.matcher(requestId).matches()) {
				problem.setProperty("requestId", requestId);
			}
		}
		return super.createResponseEntity(body, headers, statusCode, request);
	}

	/** The same types and titles the gateway gives errors of these statuses. */
	private static void typeByStatus(ProblemDetail problem, HttpStatusCode code) {
		HttpStatus status = HttpStatus.resolve(code.value());
		if (status == null) {
			status = code.is4xxClientError() ? HttpStatus.BAD_REQUEST : HttpStatus.INTERNAL_SERVER_ERROR;
		}
		switch (status) {
			case NOT_FOUND -> set(problem, "not-found", "Not found");
			case METHOD_NOT_ALLOWED -> set(problem, "method-not-allowed", "Method not allowed");
			case SERVICE_UNAVAILABLE -> set(problem, "service-unavailable", "Service unavailable");
			case INTERNAL_SERVER_ERROR -> set(problem, "internal-error", "Internal server error");
			default ->
				set(problem, status.is4xxClientError() ? "bad-request" : "internal-error", status.getReasonPhrase());
		}
	}

	private static void set(ProblemDetail problem, String type, String title) {
		problem.setType(ApiException.type(type));
		problem.setTitle(title);
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
		ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.BAD_REQUEST,
				"Invalid request: " + String.join("; ", errors));
		problem.setProperty("errors", errors);
		return createResponseEntity(problem, headers, HttpStatus.BAD_REQUEST, request);
	}

	@Override
	protected ResponseEntity<Object> handleHttpMessageNotReadable(HttpMessageNotReadableException ex,
			HttpHeaders headers, HttpStatusCode status, WebRequest request) {
		ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.BAD_REQUEST, notReadable(ex));
		return createResponseEntity(problem, headers, HttpStatus.BAD_REQUEST, request);
	}

	/**
	 * Names the field at fault (never its value): an unknown one, or one of the wrong
	 * type or shape.
	 */
	private static String notReadable(HttpMessageNotReadableException ex) {
		for (Throwable cause = ex.getCause(); cause != null; cause = cause.getCause()) {
			if (cause instanceof JacksonException jackson && !jackson.getPath().isEmpty()) {
				String field = jackson.getPath()
					.stream()
					.map(ProblemHandler::pathElement)
					.collect(Collectors.joining());
				if (field.startsWith(".")) {
					field = field.substring(1);
				}
				return (jackson instanceof PropertyBindingException) ? "Unknown field: " + field
						: "Field " + field + " has the wrong type or shape";
			}
		}
		return "The request body is not valid JSON of the expected shape";
	}

	private static String pathElement(JacksonException.Reference reference) {
		if (reference.getPropertyName() == null) {
			return "[" + reference.getIndex() + "]";
		}
		return "." + (reference.getPropertyName().matches("[A-Za-z0-9_]{1,40}") ? reference.getPropertyName()
				: "(unprintable)");
	}

}
