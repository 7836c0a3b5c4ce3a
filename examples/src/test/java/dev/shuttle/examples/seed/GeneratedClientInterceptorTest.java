package dev.shuttle.examples.seed;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.shuttle.Channel;
import dev.shuttle.ClientInterceptor;
import dev.shuttle.Server;
import dev.shuttle.ServerInterceptor;
import dev.shuttle.Status;
import dev.shuttle.StatusException;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/** A generated client's withInterceptors, against a server with interceptors of its own. */
class GeneratedClientInterceptorTest {
  @Test
  void aGeneratedClientsInterceptorsAddTheHeaderTheServersInterceptorDemands() throws Exception {
    List<String> seen = new CopyOnWriteArrayList<>();
    ServerInterceptor demandsToken = (requests, responses, context, next) -> {
      String token = context.requestMetadata().get("x-token");
      seen.add(context.method().fullName() + " " + token);
      if (token == null) {
        throw new StatusException(Status.UNAUTHENTICATED.withDescription("no token"));
      }
      next.proceed(requests, responses, context);
    };
    ClientInterceptor addsToken = (method, options, next) -> next.newCall(options.withHeader("x-token", "t"));
    Server server = Server.builder().listen("127.0.0.1", 0).intercept(demandsToken).service(new Work()).start();
    try (Channel channel = Channel.plaintext("127.0.0.1:" + server.port())) {
      TestServerClient plain = TestServerClient.of(channel);
      Request request = Request.newBuilder().setId("123").build();

      StatusException refused = assertThrows(StatusException.class, () -> plain.getRandom(request));
      assertEquals(Status.Code.UNAUTHENTICATED, refused.code());

      Response response = plain.withInterceptors(addsToken).getRandom(request);
      assertEquals(true, response.getRandom() >= Work.MIN && response.getRandom() <= Work.MAX);
      assertEquals(List.of("TestServer/GetRandom null", "TestServer/GetRandom t"), seen);
    } finally {
      server.shutdownNow();
    }
  }
}
