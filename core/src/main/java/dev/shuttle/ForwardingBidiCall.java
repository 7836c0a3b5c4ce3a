package dev.shuttle;

/**
 * A call that passes everything to another; override what an interceptor changes or observes.
 *
 * <pre>{@code
 * ClientInterceptor counting = (method, options, next) -> new ForwardingBidiCall<>(next.newCall(options)) {
 *   @Override
 *   public Object receive() {
 *     Object response = super.receive();
 *     if (response != null) {
 *       received.increment();
 *     }
 *     return response;
 *   }
 * };
 * }</pre>
 */
public class ForwardingBidiCall<Req, Resp> implements BidiCall<Req, Resp> {
  private final BidiCall<Req, Resp> delegate;

  public ForwardingBidiCall(BidiCall<Req, Resp> delegate) {
    this.delegate = java.util.Objects.requireNonNull(delegate, "delegate");
  }

  /** The call this one passes to. */
  protected BidiCall<Req, Resp> delegate() {
    return delegate;
  }

  @Override
  public void send(Req message) {
    delegate.send(message);
  }

  @Override
  public void halfClose() {
    delegate.halfClose();
  }

  @Override
  public void setMessageCompression(boolean compress) {
    delegate.setMessageCompression(compress);
  }

  @Override
  public Resp receive() {
    return delegate.receive();
  }

  @Override
  public Metadata headers() {
    return delegate.headers();
  }

  @Override
  public Metadata trailers() {
    return delegate.trailers();
  }

  @Override
  public boolean isMessageCompressed() {
    return delegate.isMessageCompressed();
  }

  @Override
  public void close() {
    delegate.close();
  }
}
