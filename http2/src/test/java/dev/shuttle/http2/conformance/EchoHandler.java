package dev.shuttle.http2.conformance;

import dev.shuttle.http2.Http2Headers;
import dev.shuttle.http2.Http2ServerHandler;
import dev.shuttle.http2.Http2Stream;
import dev.shuttle.http2.Http2StreamClosedException;
import dev.shuttle.http2.Http2StreamListener;
import dev.shuttle.http2.StreamFailure;
import java.nio.charset.StandardCharsets;

/**
 * The plain HTTP server the conformance cases talk to: once a request has ended (END_STREAM on
 * its headers, its last DATA or its trailers) it answers {@code :status 200} with a small
 * text/plain body that echoes what the server understood: every request field, one per line, the
 * number of body octets, and the trailer fields. A HEAD request gets the headers only. Request
 * bodies are consumed as they arrive, so flow-control window goes back to the client.
 *
 * <p>Three paths behave otherwise, for the flow-control and early-response cases:
 * {@value #BODY} answers with the request body itself, {@value #HOLD} never consumes the
 * request body (an application that does not read), and {@value #EARLY} answers as soon as the
 * request headers arrive, before the request ends.
 *
 * <p>The answer is written from a virtual thread of its own, as a real application's would be: it
 * may block on the client's flow-control window without holding up the connection.
 */
final class EchoHandler implements Http2ServerHandler {
  static final String BODY = "/body";
  static final String HOLD = "/hold";
  static final String EARLY = "/early";

  @Override
  public Http2StreamListener onNewStream(Http2Stream stream, Http2Headers headers, boolean endStream) {
    Exchange exchange = new Exchange(stream, headers);
    if (endStream || EARLY.equals(headers.get(":path"))) {
      exchange.respond();
    }
    return exchange;
  }

  @Override
  public void onHeaderListTooLarge(Http2Stream stream) {
    try {
      stream.writeHeaders(new Http2Headers().add(":status", "431"), true);
    } catch (Http2StreamClosedException e) {
      return;
    }
    stream.flushAsync();
  }

  private static final class Exchange implements Http2StreamListener {
    private final Http2Stream stream;
    private final Http2Headers request;
    private final StringBuilder trailers = new StringBuilder();
    private final String path;
    private final java.io.ByteArrayOutputStream requestBody = new java.io.ByteArrayOutputStream();
    private long bodyBytes; // reader thread only until respond() hands it over
    private boolean responded;

    Exchange(Http2Stream stream, Http2Headers request) {
      this.stream = stream;
      this.request = request;
      this.path = request.get(":path");
    }

    @Override
    public void onHeaders(Http2Stream s, Http2Headers fields, boolean endStream) {
      for (int i = 0; i < fields.size(); i++) {
        trailers.append("trailer ").append(fields.name(i)).append(": ").append(fields.value(i)).append('\n');
      }
      if (endStream) {
        respond();
      }
    }

    @Override
    public void onData(Http2Stream s, byte[] data, int offset, int length, boolean endStream) {
      bodyBytes += length;
      if (BODY.equals(path)) {
        requestBody.write(data, offset, length);
      }
      if (!HOLD.equals(path)) {
        s.consumed(length);
      }
      if (endStream) {
        respond();
      }
    }

    @Override
    public void onFailure(Http2Stream s, StreamFailure failure) {
      // Nothing to answer: the stream is gone.
    }

    void respond() {
      if (responded) {
        return; // an early answer is already on its way
      }
      responded = true;
      StringBuilder text = new StringBuilder();
      for (int i = 0; i < request.size(); i++) {
        text.append(request.name(i)).append(": ").append(request.value(i)).append('\n');
      }
      text.append("body: ").append(bodyBytes).append(" bytes\n").append(trailers);
      byte[] body = BODY.equals(path) ? requestBody.toByteArray() : text.toString().getBytes(StandardCharsets.ISO_8859_1);
      boolean head = "HEAD".equals(request.get(":method"));
      Thread.ofVirtual().name("conformance-" + stream).start(() -> {
        try {
          Http2Headers response = new Http2Headers().add(":status", "200").add("content-type", "text/plain");
          stream.writeHeaders(response, head);
          if (!head) {
            stream.writeData(body, 0, body.length, true);
          }
          stream.flush();
        } catch (Http2StreamClosedException | InterruptedException e) {
          // The client reset the stream or the connection went away: nobody to answer.
        }
      });
    }
  }
}
