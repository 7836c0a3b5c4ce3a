package dev.shuttle;

/**
 * The responses of a server-streaming call. Iterate it, or {@link #receive()} until
 * {@code null}; close it to cancel the call early. A call that ends with a status other than
 * {@code OK} throws {@link StatusException} from {@code receive} (and from the iterator).
 *
 * <pre>{@code
 * try (ResponseStream<Feature> features = client.listFeatures(rectangle)) {
 *   for (Feature f : features) { print(f); }
 * }
 * }</pre>
 */
public interface ResponseStream<Resp> extends StreamSource<Resp>, AutoCloseable {
  /** The response headers, blocking until they arrive. */
  Metadata headers();

  /** The trailers; empty until the call has ended. */
  Metadata trailers();

  /** Whether the last message received was compressed on the wire. */
  boolean isMessageCompressed();

  /** Cancels the call if it has not ended yet; does nothing otherwise. */
  @Override
  void close();
}
