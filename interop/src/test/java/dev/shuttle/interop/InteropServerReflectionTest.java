package dev.shuttle.interop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.DescriptorProtos.FileDescriptorProto;
import dev.shuttle.BidiCall;
import dev.shuttle.Channel;
import dev.shuttle.services.reflection.v1.ServerReflectionClient;
import dev.shuttle.services.reflection.v1.ServerReflectionRequest;
import dev.shuttle.services.reflection.v1.ServerReflectionResponse;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The interop server answers reflection about the services it serves, as tools expect of it. */
class InteropServerReflectionTest {
  @Test
  void listsItsServicesAndDescribesTestService() throws Exception {
    try (InteropServer server = InteropServer.start(new InetSocketAddress("127.0.0.1", 0), false);
        Channel channel = Channel.plaintext("127.0.0.1:" + server.port());
        BidiCall<ServerReflectionRequest, ServerReflectionResponse> reflection =
            ServerReflectionClient.of(channel).withTimeout(Duration.ofSeconds(30)).serverReflectionInfo()) {
      reflection.send(ServerReflectionRequest.newBuilder().setListServices("").build());
      reflection.send(ServerReflectionRequest.newBuilder().setFileContainingSymbol("grpc.testing.TestService").build());
      reflection.halfClose();
      List<ServerReflectionResponse> responses = new ArrayList<>();
      reflection.forEach(responses::add);

      List<String> services = new ArrayList<>();
      responses.get(0).getListServicesResponse().getServiceList().forEach(service -> services.add(service.getName()));
      assertTrue(services.containsAll(List.of(
          "grpc.testing.TestService", "grpc.testing.UnimplementedService", "xds.service.orca.v3.OpenRcaService",
          "grpc.reflection.v1.ServerReflection", "grpc.reflection.v1alpha.ServerReflection")), services.toString());
      FileDescriptorProto test =
          FileDescriptorProto.parseFrom(responses.get(1).getFileDescriptorResponse().getFileDescriptorProto(0));
      assertEquals("grpc/testing/test.proto", test.getName());
    }
  }
}
