package dev.shuttle.backpressure;

import dev.shuttle.BidiCall;
import dev.shuttle.CallOptions;
import dev.shuttle.Channel;
import dev.shuttle.ClientStreamingCall;
import dev.shuttle.Marshaller;
import dev.shuttle.MethodDescriptor;
import dev.shuttle.MethodType;
import dev.shuttle.ResponseStream;
import dev.shuttle.Server;
import dev.shuttle.ServiceDefinition;
import dev.shuttle.Status;
import dev.shuttle.StatusException;
import dev.shuttle.StreamSink;
import dev.shuttle.StreamSource;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

/**
 * One back-pressure scenario, run in a JVM of its own with a small heap by
 * {@link StreamingBackpressureTest}: a Shuttle server and a Shuttle client in this JVM, talking
 * HTTP/2 over loopback TCP, stream {@code total} bytes in messages of {@code messageSize} bytes
 * to a receiver that keeps pausing ({@link SlowReader}). Neither end can hold what is streamed,
 * so only flow control lets it finish.
 *
 * <p>Arguments are {@code name=value}: {@code scenario} ({@code serverStreaming},
 * {@code clientStreaming} or {@code bidi}), {@code total}, {@code messageSize},
 * {@code pauseEvery} (bytes), {@code stallMillis}, {@code measureHeapEvery} (see
 * {@link SlowReader}). Every message is checked on arrival
 * ({@link Payloads}). On success it prints one line, {@code result name=value ...}, and exits
 * 0; on any failure it prints the stack trace and exits 1 (an OutOfMemoryError ends it through
 * {@code -XX:+ExitOnOutOfMemoryError}). It exits when its stdin closes, so it never outlives the
 * test JVM.
 */
public final class BackpressureScenario {
  private static final PrintStream OUT = System.out;
  private static final String SERVICE = "backpressure.Bulk";
  private static final Marshaller<String> UTF8 =
      new Marshaller<>() {
        @Override
        public byte[] serialize(String message) {
          return message.getBytes(StandardCharsets.UTF_8);
        }

        @Override
        public String parse(byte[] bytes, int offset, int length) {
          return new String(bytes, offset, length, StandardCharsets.UTF_8);
        }
      };

  /** The request is {@code "count:size"}; the responses are that many payloads. */
  static final MethodDescriptor<String, byte[]> DOWNLOAD =
      MethodDescriptor.of(MethodType.SERVER_STREAMING, SERVICE, "Download", UTF8, Payloads.RAW);
  /** Payloads up; the response is {@code "messages:bytes"} as the handler counted them. */
  static final MethodDescriptor<byte[], String> UPLOAD =
      MethodDescriptor.of(MethodType.CLIENT_STREAMING, SERVICE, "Upload", Payloads.RAW, UTF8);
  /** Every payload sent back as it arrives. */
  static final MethodDescriptor<byte[], byte[]> ECHO =
      MethodDescriptor.of(MethodType.BIDI_STREAMING, SERVICE, "Echo", Payloads.RAW, Payloads.RAW);

  private final long total;
  private final int messageSize;
  private final long count;
  private final SlowReader slowReader;
  /** Responses, server to client; requests, client to server. */
  private final Hop down;
  private final Hop up;
  private final AtomicReference<Throwable> handlerFailure = new AtomicReference<>();

  private BackpressureScenario(Map<String, String> options, HeapWatch heap) {
    total = Long.parseLong(options.get("total"));
    messageSize = Integer.parseInt(options.get("messageSize"));
    if (messageSize % 8 != 0 || total % messageSize != 0) {
      throw new IllegalArgumentException("messageSize must be a multiple of 8 dividing total");
    }
    count = total / messageSize;
    slowReader =
        new SlowReader(
            Long.parseLong(options.get("pauseEvery")),
            Long.parseLong(options.get("stallMillis")),
            Integer.parseInt(options.get("measureHeapEvery")),
            heap);
    down = new Hop(slowReader);
    up = new Hop(slowReader);
  }

  public static void main(String[] args) {
    Thread.ofPlatform().daemon().name("stdin-watch").start(BackpressureScenario::haltWhenStdinCloses);
    Map<String, String> options = new HashMap<>();
    for (String arg : args) {
      int eq = arg.indexOf('=');
      options.put(arg.substring(0, eq), arg.substring(eq + 1));
    }
    try {
      HeapWatch heap = HeapWatch.start();
      BackpressureScenario scenario = new BackpressureScenario(options, heap);
      long started = System.nanoTime();
      Map<String, Object> result = scenario.run(options.get("scenario"));
      result.put("millis", (System.nanoTime() - started) / 1_000_000);
      result.put("heapMax", Runtime.getRuntime().maxMemory());
      result.put("peakLiveHeap", heap.peakLive());
      result.put("liveHeapMeasurements", heap.liveMeasurements());
      result.put("peakHeapAfterGc", heap.peakAfterGc());
      result.put("peakHeapAfterFullGc", heap.peakAfterFullGc());
      result.put("collections", heap.collections());
      result.put("fullCollections", heap.fullCollections());
      StringBuilder line = new StringBuilder("result");
      result.forEach((name, value) -> line.append(' ').append(name).append('=').append(value));
      OUT.println(line);
      OUT.flush();
      Runtime.getRuntime().halt(0);
    } catch (Throwable t) {
      t.printStackTrace();
      System.err.flush();
      Runtime.getRuntime().halt(1);
    }
  }

  private static void haltWhenStdinCloses() {
    try {
      while (System.in.read() >= 0) {
        // Nothing is sent on stdin; it only closes.
      }
    } catch (Exception e) {
      // Gone either way.
    }
    Runtime.getRuntime().halt(4); // 3 is -XX:+ExitOnOutOfMemoryError's
  }

  private Map<String, Object> run(String scenario) throws Exception {
    Server server =
        Server.builder()
            .listen("127.0.0.1", 0)
            .service(
                ServiceDefinition.builder(SERVICE)
                    .serverStreaming(DOWNLOAD, (request, responses, context) -> guarded(() -> download(responses)))
                    .clientStreaming(UPLOAD, (requests, context) -> guarded(() -> upload(requests)))
                    .bidiStreaming(ECHO, (requests, responses, context) -> guarded(() -> echo(requests, responses)))
                    .build())
            .start();
    Map<String, Object> result = new LinkedHashMap<>();
    try (Channel channel = Channel.plaintext("127.0.0.1:" + server.port())) {
      result.put("liveHeapBefore", HeapWatch.liveNow());
      switch (scenario) {
        case "serverStreaming" -> receiveDownload(channel);
        case "clientStreaming" -> sendUpload(channel);
        case "bidi" -> bidi(channel);
        default -> throw new IllegalArgumentException("unknown scenario " + scenario);
      }
      result.put("scenario", scenario);
      result.put("clientWindow", Channel.DEFAULT_INITIAL_STREAM_WINDOW);
      result.put("serverWindow", Server.DEFAULT_INITIAL_STREAM_WINDOW);
      result.put("messageSize", messageSize);
      report(result, "down", down);
      report(result, "up", up);
      result.put("pauses", slowReader.resumes());
      result.put("stalledPauses", slowReader.stalledPauses());
      result.put("serverPeakBufferedRequestBytes", server.peakBufferedRequestBytes());
      result.put("serverBufferedRequestBytesAtEnd", server.bufferedRequestBytes());
    } finally {
      server.shutdownNow();
    }
    return result;
  }

  /** One direction's figures; a scenario that does not use it reports zeros. */
  private static void report(Map<String, Object> result, String direction, Hop hop) {
    result.put(direction + "Messages", hop.messagesReceived());
    result.put(direction + "Bytes", hop.receivedBytes());
    result.put(direction + "MaxLead", hop.maxLead());
    result.put(direction + "SendsHeldOverAPause", hop.sendsHeldOverAPause());
  }

  // ---------------------------------------------------------------------------------------------
  // Server side.

  /** A handler body whose failure (a bad payload, say) is kept for the report, and fails its call. */
  private <T> T guarded(Body<T> body) {
    try {
      return body.run();
    } catch (StatusException e) {
      handlerFailure.compareAndSet(null, e);
      throw e;
    } catch (Throwable t) {
      handlerFailure.compareAndSet(null, t);
      throw new StatusException(Status.INTERNAL.withDescription(t.toString()));
    }
  }

  private interface Body<T> {
    T run() throws Exception;
  }

  private Void download(StreamSink<byte[]> responses) {
    for (long seq = 0; seq < count; seq++) {
      byte[] payload = Payloads.make(seq, messageSize);
      long before = down.beforeSend();
      responses.send(payload); // blocks while the client's window is closed
      down.sent(messageSize, before);
    }
    return null;
  }

  /** The slow handler: takes each request, checks it, and pauses now and then. */
  private String upload(StreamSource<byte[]> requests) throws InterruptedException {
    long seq = 0;
    for (byte[] message; (message = requests.receive()) != null; seq++) {
      up.received(message.length);
      Payloads.verify(seq, messageSize, message);
      slowReader.took(message.length, up);
    }
    return up.messagesReceived() + ":" + up.receivedBytes();
  }

  /** A fast echo: what the client sends comes back, so the slow client holds back both ways. */
  private Void echo(StreamSource<byte[]> requests, StreamSink<byte[]> responses) {
    long seq = 0;
    for (byte[] message; (message = requests.receive()) != null; seq++) {
      up.received(message.length);
      Payloads.verify(seq, messageSize, message);
      long before = down.beforeSend();
      responses.send(message);
      down.sent(message.length, before);
    }
    return null;
  }

  // ---------------------------------------------------------------------------------------------
  // Client side.

  private void receiveDownload(Channel channel) throws InterruptedException {
    try (ResponseStream<byte[]> responses =
        channel.serverStreamingCall(DOWNLOAD, count + ":" + messageSize, CallOptions.DEFAULT)) {
      readSlowly(responses);
    }
    check(down.messagesReceived() == count, "received " + down.messagesReceived() + " of " + count + " messages");
  }

  private void sendUpload(Channel channel) {
    String summary;
    try (ClientStreamingCall<byte[], String> call = channel.clientStreamingCall(UPLOAD, CallOptions.DEFAULT)) {
      for (long seq = 0; seq < count; seq++) {
        byte[] payload = Payloads.make(seq, messageSize);
        long before = up.beforeSend();
        call.send(payload); // blocks while the handler's window is closed
        up.sent(messageSize, before);
      }
      summary = call.finish();
    } catch (StatusException e) {
      throw failure(e);
    }
    check(summary.equals(count + ":" + total), "the handler counted " + summary + ", expected " + count + ":" + total);
  }

  private void bidi(Channel channel) throws Exception {
    try (BidiCall<byte[], byte[]> call = channel.bidiStreamingCall(ECHO, CallOptions.DEFAULT)) {
      AtomicReference<Throwable> senderFailure = new AtomicReference<>();
      Thread sender =
          Thread.ofVirtual().name("bidi-sender").start(() -> {
            try {
              for (long seq = 0; seq < count; seq++) {
                byte[] payload = Payloads.make(seq, messageSize);
                long before = up.beforeSend();
                call.send(payload);
                up.sent(messageSize, before);
              }
              call.halfClose();
            } catch (Throwable t) {
              senderFailure.set(t);
            }
          });
      readSlowly(call);
      sender.join();
      if (senderFailure.get() != null) {
        throw failure(senderFailure.get());
      }
    }
    check(down.messagesReceived() == count, "received " + down.messagesReceived() + " of " + count + " echoes");
  }

  private void readSlowly(ResponseStream<byte[]> responses) throws InterruptedException {
    long seq = 0;
    try {
      for (byte[] message; (message = responses.receive()) != null; seq++) {
        down.received(message.length);
        Payloads.verify(seq, messageSize, message);
        slowReader.took(message.length, down);
      }
    } catch (StatusException e) {
      throw failure(e);
    }
  }

  /** A client-side failure, with the handler's own failure (the likelier cause) attached. */
  private RuntimeException failure(Throwable clientSide) {
    IllegalStateException e = new IllegalStateException("the call failed: " + clientSide, clientSide);
    Throwable handler = handlerFailure.get();
    if (handler != null) {
      e.addSuppressed(handler);
    }
    return e;
  }

  private void check(boolean condition, String message) {
    if (!condition) {
      throw failure(new IllegalStateException(message));
    }
  }
}
