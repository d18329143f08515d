package dev.gatehouse.gateway.problem;

import java.net.URI;

import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.ProblemDetail;

/**
 * Base of the gateway's refusals: a {@link GatewayRefusal} without a stack trace (a
 * refusal is an answer, not a failure, and hostile traffic must not make it expensive).
 * Subclasses give the detail and, where they have some, the headers.
 */
public abstract class RefusalException extends RuntimeException implements GatewayRefusal {

	private final HttpStatus status;

	private final URI type;

	private final String title;

	/**
	 * @param message the exception message (logs and tests; never sent to the client)
	 * @param status the answer's status
	 * @param type the problem type, see {@link GatewayRefusal#type(String)}
	 * @param title the problem title, the same for every refusal of the type
	 */
	protected RefusalException(String message, HttpStatus status, URI type, String title) {
		super(message, null, false, false);
		this.status = status;
		this.type = type;
		this.title = title;
	}

	/**
	 * @return the explanation the client reads: never a library message or token content
	 */
	protected abstract String clientDetail();

	@Override
	public HttpStatusCode getStatusCode() {
		return this.status;
	}

	@Override
	public ProblemDetail getBody() {
		ProblemDetail body = ProblemDetail.forStatus(this.status);
		body.setType(this.type);
		body.setTitle(this.title);
		body.setDetail(clientDetail());
		return body;
	}

}
