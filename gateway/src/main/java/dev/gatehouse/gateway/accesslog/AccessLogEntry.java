package dev.gatehouse.gateway.accesslog;

/**
 * What is logged of one request. Never a token, never a query string, never a header
 * value other than the request id.
 *
 * @param time epoch milliseconds when the response was committed
 * @param requestId the request id ({@code X-Request-Id})
 * @param traceId the trace id, or {@code null} when tracing is off
 * @param method the HTTP method
 * @param path the raw request path, without the query
 * @param route the matched route id, or {@code null}
 * @param status the response status
 * @param durationNanos from the request's arrival to the response's commit
 * @param upstreamNanos from sending the request to the backend to the response's commit,
 * or {@code -1} when no backend was called
 * @param bytes the response's {@code Content-Length}, or {@code -1} when it is streamed
 * @param client the client address
 * @param subject the token's {@code sub}, or {@code null}
 * @param clientId the token's {@code client_id}, or {@code null}
 * @param reason why the gateway refused or failed the request (a problem type), or
 * {@code null}
 */
record AccessLogEntry(long time, String requestId, String traceId, String method, String path, String route, int status,
		long durationNanos, long upstreamNanos, long bytes, String client, String subject, String clientId,
		String reason) {

}
