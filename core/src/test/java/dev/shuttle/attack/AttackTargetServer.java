package dev.shuttle.attack;

import dev.shuttle.Server;
import dev.shuttle.ServerContext;
import dev.shuttle.ServiceDefinition;
import dev.shuttle.Status;
import dev.shuttle.StatusException;
import dev.shuttle.StreamSink;
import dev.shuttle.StreamSource;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.net.SocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The server the attack tests fork into a JVM of its own with a small heap, so that what an
 * attack costs (or an OutOfMemoryError) is the server's alone and can be measured.
 *
 * <p>Arguments are {@code name=value} limits (see {@link #configure}). It serves
 * {@link TargetMethods}, prints {@code ready port=N} once listening, then answers one line per
 * command on stdin:
 *
 * <ul>
 *   <li>{@code stats}: after a full GC, {@code stats heapUsed=... buffered=... peakBuffered=...
 *       connections=... liveHandlers=... peakHandlers=... peakHandlersPerConnection=...
 *       handlersStarted=... messagesSent=...};
 *   <li>{@code resetPeaks}: forgets the handler peaks ({@code ok});
 *   <li>{@code release}: lets every {@code Hold} handler waiting now return ({@code ok});
 *   <li>{@code quit}, or the end of stdin (the test JVM is gone): exits.
 * </ul>
 */
public final class AttackTargetServer {
  private static final PrintStream OUT = System.out;

  private final AtomicInteger liveHandlers = new AtomicInteger();
  private final AtomicInteger peakHandlers = new AtomicInteger();
  private final AtomicInteger handlersStarted = new AtomicInteger();
  private final AtomicLong messagesSent = new AtomicLong();
  /** Handlers running per client connection (its remote address), and the most at once. */
  private final Map<SocketAddress, Integer> livePerConnection = new ConcurrentHashMap<>();
  private final AtomicInteger peakPerConnection = new AtomicInteger();
  private volatile CountDownLatch holdGate = new CountDownLatch(1);

  public static void main(String[] args) throws Exception {
    Map<String, String> options = new HashMap<>();
    for (String arg : args) {
      int eq = arg.indexOf('=');
      if (eq <= 0) {
        throw new IllegalArgumentException("expected name=value: " + arg);
      }
      options.put(arg.substring(0, eq), arg.substring(eq + 1));
    }
    new AttackTargetServer().run(options);
  }

  private void run(Map<String, String> options) throws Exception {
    Server.Builder builder = Server.builder().listen("127.0.0.1", 0).service(service());
    configure(builder, new HashMap<>(options));
    Server server = builder.start();
    OUT.println("ready port=" + server.port());
    OUT.flush();
    MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
    BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
    for (String line; (line = in.readLine()) != null; ) {
      switch (line.trim()) {
        case "stats" -> {
          memory.gc();
          memory.gc();
          OUT.println(
              "stats heapUsed=" + memory.getHeapMemoryUsage().getUsed()
                  + " heapMax=" + Runtime.getRuntime().maxMemory()
                  + " buffered=" + server.bufferedRequestBytes()
                  + " peakBuffered=" + server.peakBufferedRequestBytes()
                  + " connections=" + server.connectionCount()
                  + " liveHandlers=" + liveHandlers.get()
                  + " peakHandlers=" + peakHandlers.get()
                  + " peakHandlersPerConnection=" + peakPerConnection.get()
                  + " handlersStarted=" + handlersStarted.get()
                  + " messagesSent=" + messagesSent.get());
        }
        case "resetPeaks" -> {
          peakHandlers.set(liveHandlers.get());
          peakPerConnection.set(0);
          OUT.println("ok");
        }
        case "release" -> {
          CountDownLatch gate = holdGate;
          holdGate = new CountDownLatch(1);
          gate.countDown();
          OUT.println("ok");
        }
        case "quit" -> {
          OUT.println("bye");
          OUT.flush();
          Runtime.getRuntime().halt(0);
        }
        default -> OUT.println("unknown command: " + line);
      }
      OUT.flush();
    }
    Runtime.getRuntime().halt(0); // stdin closed: whoever started us is gone
  }

  /** Applies the limits named on the command line; an unknown name is an error. */
  private static void configure(Server.Builder b, Map<String, String> o) {
    String v;
    if ((v = o.remove("maxBufferedRequestBytes")) != null) {
      b.maxBufferedRequestBytes(Long.parseLong(v));
    }
    if ((v = o.remove("maxBufferedRequestBytesPerConnection")) != null) {
      b.maxBufferedRequestBytesPerConnection(Long.parseLong(v));
    }
    if ((v = o.remove("minBufferedRequestBytesPerConnection")) != null) {
      b.minBufferedRequestBytesPerConnection(Long.parseLong(v));
    }
    if ((v = o.remove("maxConnections")) != null) {
      b.maxConnections(Integer.parseInt(v));
    }
    if ((v = o.remove("maxConnectionIdleMillis")) != null) {
      b.maxConnectionIdle(Duration.ofMillis(Long.parseLong(v)));
    }
    if ((v = o.remove("permitKeepAliveTimeMillis")) != null) {
      b.permitKeepAliveTime(Duration.ofMillis(Long.parseLong(v)));
    }
    if ((v = o.remove("permitKeepAliveWithoutCalls")) != null) {
      b.permitKeepAliveWithoutCalls(Boolean.parseBoolean(v));
    }
    if ((v = o.remove("maxQueuedBytes")) != null) {
      int bytes = Integer.parseInt(v);
      b.http2(l -> l.maxQueuedBytes(bytes));
    }
    if ((v = o.remove("settingsAckTimeoutMillis")) != null) {
      Duration d = Duration.ofMillis(Long.parseLong(v));
      b.http2(l -> l.settingsAckTimeout(d));
    }
    if ((v = o.remove("prefaceTimeoutMillis")) != null) {
      Duration d = Duration.ofMillis(Long.parseLong(v));
      b.http2(l -> l.prefaceTimeout(d));
    }
    if ((v = o.remove("headerBlockTimeoutMillis")) != null) {
      Duration d = Duration.ofMillis(Long.parseLong(v));
      b.http2(l -> l.headerBlockTimeout(d));
    }
    if ((v = o.remove("shutdownPingTimeoutMillis")) != null) {
      Duration d = Duration.ofMillis(Long.parseLong(v));
      b.http2(l -> l.shutdownPingTimeout(d));
    }
    if (!o.isEmpty()) {
      throw new IllegalArgumentException("unknown options: " + o.keySet());
    }
  }

  private ServiceDefinition service() {
    return ServiceDefinition.builder(TargetMethods.SERVICE)
        .unary(TargetMethods.ECHO, (request, context) -> counted(context, () -> "echo:" + request))
        .clientStreaming(TargetMethods.COLLECT, (requests, context) -> counted(context, () -> collect(requests)))
        .serverStreaming(
            TargetMethods.DOWNLOAD,
            (request, responses, context) -> counted(context, () -> download(request, responses)))
        .unary(TargetMethods.HOLD, (request, context) -> counted(context, this::hold))
        .build();
  }

  private static String collect(StreamSource<String> requests) {
    int count = 0;
    long bytes = 0;
    for (String message : requests) {
      count++;
      bytes += message.length();
    }
    return count + ":" + bytes;
  }

  private String download(String request, StreamSink<Integer> responses) {
    int colon = request.indexOf(':');
    if (colon < 0) {
      throw new StatusException(Status.INVALID_ARGUMENT.withDescription("expected count:size"));
    }
    int count = Integer.parseInt(request.substring(0, colon));
    int size = Integer.parseInt(request.substring(colon + 1));
    for (int i = 0; i < count; i++) {
      responses.send(size); // blocks while the client's window is closed
      messagesSent.incrementAndGet();
    }
    return null;
  }

  /** Waits for {@code release}, deaf to interrupts and to its call's end, as a busy backend would be. */
  private String hold() {
    CountDownLatch gate = holdGate;
    boolean interrupted = false;
    while (true) {
      try {
        gate.await();
        break;
      } catch (InterruptedException e) {
        interrupted = true;
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
    return "released";
  }

  /** Runs a handler body, counting it as live (globally and for its connection) while it runs. */
  private <T> T counted(ServerContext context, java.util.function.Supplier<T> body) {
    handlersStarted.incrementAndGet();
    peakHandlers.accumulateAndGet(liveHandlers.incrementAndGet(), Math::max);
    SocketAddress connection = context.remoteAddress();
    peakPerConnection.accumulateAndGet(livePerConnection.merge(connection, 1, Integer::sum), Math::max);
    try {
      return body.get();
    } finally {
      livePerConnection.computeIfPresent(connection, (k, n) -> n == 1 ? null : n - 1);
      liveHandlers.decrementAndGet();
    }
  }
}
