package dev.shuttle;

/**
 * A failed RPC, on either side. A server handler throws it to end a call with that status and
 * trailers; a client call throws it when the call ends with a status other than {@code OK}.
 *
 * <p>It is unchecked so that handlers and stubs stay plain methods; catch it where a failure
 * means something to you.
 */
public class StatusException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final transient Status status;
  private final transient Metadata trailers;

  public StatusException(Status status) {
    this(status, new Metadata());
  }

  public StatusException(Status status, Metadata trailers) {
    super(status.toString(), status.cause());
    this.status = status;
    this.trailers = trailers == null ? new Metadata() : trailers;
  }

  public StatusException(Status.Code code, String description) {
    this(Status.of(code, description));
  }

  public Status status() {
    return status;
  }

  public Status.Code code() {
    return status.code();
  }

  /** Trailers the server sent with the status (client side) or will send (server side). */
  public Metadata trailers() {
    return trailers;
  }
}
