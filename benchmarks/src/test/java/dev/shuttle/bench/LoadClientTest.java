package dev.shuttle.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.shuttle.Server;
import dev.shuttle.ServerContext;
import dev.shuttle.Status;
import dev.shuttle.StatusException;
import dev.shuttle.bench.GreeterServer.Impl;
import dev.shuttle.bench.helloworld.GreeterService;
import dev.shuttle.bench.helloworld.HelloReply;
import dev.shuttle.bench.helloworld.HelloRequest;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The load client against real servers in this JVM: it must see every server's answers as
 * correct and count a server's failures as errors. Only counts are checked, never timings: an
 * open-loop run records exactly the calls due in its window, however long they take.
 */
class LoadClientTest {
  @ParameterizedTest
  @EnumSource(Impl.class)
  void everyServersAnswersPassTheChecksInBothLoops(Impl impl) throws Exception {
    GreeterServer.Running server = GreeterServer.start(new GreeterServer.Options(0, impl, null, null));
    try (LoadClient client = new LoadClient(server.port(), 2, false)) {
      assertEquals("ok (grpc-status 0, name echoed)", client.execute(new String[] {"check"}));

      Map<String, String> closed = Latencies.fieldsOf(client.execute(new String[] {"closed", "4", "100", "200"}));
      assertEquals("0", closed.get("errors"), closed.toString());

      Map<String, String> open = Latencies.fieldsOf(client.execute(new String[] {"open", "200", "100", "200"}));
      assertEquals("0", open.get("errors"), open.toString());
      assertEquals("0", open.get("unsent"), open.toString());
      assertEquals("40", open.get("count"), "200 calls/s for 200 ms: " + open);
    } finally {
      server.stop();
    }
  }

  @Test
  void callsAnsweredWithAnErrorStatusCountAsErrors() throws Exception {
    Server server = Server.builder().listen("127.0.0.1", 0).service(new GreeterService() {
      @Override
      public HelloReply sayHello(HelloRequest request, ServerContext context) throws StatusException {
        throw new StatusException(Status.UNAVAILABLE);
      }
    }).start();
    try (LoadClient client = new LoadClient(server.port(), 1, false)) {
      assertTrue(client.execute(new String[] {"check"}).startsWith("failed"));

      Map<String, String> open = Latencies.fieldsOf(client.execute(new String[] {"open", "200", "0", "100"}));
      assertEquals("20", open.get("errors"), open.toString());
      assertEquals("0", open.get("count"), "failed calls have no latency: " + open);
    } finally {
      server.close();
    }
  }
}
