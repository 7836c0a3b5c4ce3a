package dev.shuttle;

import java.net.SocketAddress;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;

/**
 * What a handler knows about the call it serves, and how it shapes the response's metadata.
 *
 * <pre>{@code
 * public Response getRandom(Request request, ServerContext context) {
 *   String user = context.requestMetadata().get("x-user");
 *   context.responseTrailers().add("x-served-by", "shuttle");
 *   ...
 * }
 * }</pre>
 */
public interface ServerContext {
  /** The method being called. */
  MethodDescriptor<?, ?> method();

  /** The request headers the client sent, without HTTP/2 pseudo-headers and gRPC's own. */
  Metadata requestMetadata();

  /** The time left before the client's deadline, or {@code null} when it set none. */
  Duration timeRemaining();

  /**
   * The client's deadline ({@code grpc-timeout}), or {@code null} when it set none. Calls the
   * handler makes on its own thread end by it too; pass it on explicitly from other threads:
   *
   * <pre>{@code
   * Reply reply = backend.withDeadline(context.deadline()).lookup(query);
   * }</pre>
   */
  Deadline deadline();

  /**
   * Runs {@code action} once if the call ends before the handler finishes it: cancelled by the
   * client, its deadline passed, its connection lost, or its request refused. It runs on a
   * virtual thread of its own, right away if the call has ended already. Not run when the call
   * completes normally.
   */
  void onCancel(Runnable action);

  /**
   * Compresses the response messages with this {@code grpc-encoding} (say {@code gzip}) when
   * the client accepts it, as its {@code grpc-accept-encoding} tells; otherwise they go
   * uncompressed. Call it before the first response message, which sends the headers that name
   * the encoding.
   *
   * @throws IllegalStateException when the response headers have been sent already
   */
  void setCompression(String encoding);

  /** Whether the next response messages are compressed (when a compression is set); default true. */
  void setMessageCompression(boolean compress);

  /** Whether the last request message received was compressed on the wire. */
  boolean isMessageCompressed();

  /**
   * The context of the handler running on this thread, or {@code null} on any other thread.
   */
  static ServerContext current() {
    return dev.shuttle.internal.ServerCall.current();
  }

  /** Whether the call has ended early: cancelled by the client, its deadline passed, or gone. */
  boolean isCancelled();

  /**
   * Headers to send before the first response message. Add to them before the first message is
   * sent; later changes are not sent.
   */
  Metadata responseHeaders();

  /** Trailers to send with the final status. Add to them any time before the handler returns. */
  Metadata responseTrailers();

  /**
   * The server serving this call, for a service that needs to know the others (server
   * reflection lists {@link Server#services()}); {@code null} for a context no server made, such
   * as a test's.
   */
  default Server server() {
    return null;
  }

  /** The client's address. */
  SocketAddress remoteAddress();

  /**
   * The value an interceptor attached to this call under {@code key}, or null.
   *
   * <pre>{@code
   * String user = context.get(AuthInterceptor.USER);
   * }</pre>
   */
  <T> T get(Key<T> key);

  /** Attaches a value to this call, for the handler and the interceptors inside this one. */
  <T> void set(Key<T> key, T value);

  /**
   * A key for values attached to a call; keys are equal only to themselves, so two libraries
   * that pick the same name never clash.
   *
   * <pre>{@code
   * static final ServerContext.Key<String> USER = ServerContext.Key.named("user");
   * }</pre>
   */
  final class Key<T> {
    private final String name;

    private Key(String name) {
      this.name = java.util.Objects.requireNonNull(name, "name");
    }

    /** A new key; the name is for debugging only. */
    public static <T> Key<T> named(String name) {
      return new Key<>(name);
    }

    @Override
    public String toString() {
      return name;
    }
  }

  /** The TLS session the call arrived on, or null in cleartext. */
  default SSLSession tlsSession() {
    return null;
  }

  /**
   * The client's certificate chain, leaf first, as verified during the TLS handshake (mutual
   * TLS); empty in cleartext and when the client showed no certificate.
   *
   * <pre>{@code
   * List<X509Certificate> chain = context.peerCertificates();
   * String client = chain.isEmpty() ? "anonymous" : chain.get(0).getSubjectX500Principal().getName();
   * }</pre>
   */
  default List<X509Certificate> peerCertificates() {
    SSLSession session = tlsSession();
    if (session == null) {
      return List.of();
    }
    try {
      List<X509Certificate> chain = new ArrayList<>();
      for (Certificate certificate : session.getPeerCertificates()) {
        if (certificate instanceof X509Certificate x509) {
          chain.add(x509);
        }
      }
      return List.copyOf(chain);
    } catch (SSLPeerUnverifiedException e) {
      return List.of(); // the client showed no certificate
    }
  }
}
