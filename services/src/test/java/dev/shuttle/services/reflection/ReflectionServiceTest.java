package dev.shuttle.services.reflection;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import com.google.protobuf.DescriptorProtos.FileDescriptorProto;
import com.google.protobuf.Descriptors.FileDescriptor;
import com.google.protobuf.Descriptors.MethodDescriptor;
import com.google.protobuf.Descriptors.ServiceDescriptor;
import com.google.protobuf.DynamicMessage;
import dev.shuttle.MethodType;
import dev.shuttle.Server;
import dev.shuttle.ServerContext;
import dev.shuttle.ServiceDefinition;
import dev.shuttle.protobuf.ProtoMarshaller;
import dev.shuttle.services.reflection.GrpcJavaReflectionStream.Version;
import dev.shuttle.services.reflection.test.Animal;
import dev.shuttle.services.reflection.test.Tagged;
import dev.shuttle.services.reflection.test.ZooService;
import io.grpc.CallOptions;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.protobuf.ProtoUtils;
import io.grpc.reflection.v1.ExtensionRequest;
import io.grpc.reflection.v1.ServerReflectionRequest;
import io.grpc.reflection.v1.ServerReflectionResponse;
import io.grpc.reflection.v1.ServiceResponse;
import io.grpc.stub.ClientCalls;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Shuttle's reflection service asked by grpc-java's reflection stubs, on v1 and v1alpha, over a
 * socket. The server serves zoo.proto's {@code Zoo} (which imports animals.proto, tagged.proto
 * and, through animals.proto, google/protobuf/timestamp.proto), a service built by hand with no
 * descriptor, and reflection itself.
 */
class ReflectionServiceTest {
  private static final String ZOO_PROTO = "shuttle/reflection/test/zoo.proto";
  private static final String ANIMALS_PROTO = "shuttle/reflection/test/animals.proto";
  private static final String TAGGED_PROTO = "shuttle/reflection/test/tagged.proto";
  private static final String TIMESTAMP_PROTO = "google/protobuf/timestamp.proto";
  private static final String TAGGED = "shuttle.reflection.test.Tagged";
  private static final String HAND_BUILT = "test.HandBuilt";

  private static Server server;
  private static ManagedChannel channel;

  @BeforeAll
  static void start() throws Exception {
    dev.shuttle.MethodDescriptor<Tagged, Tagged> echo =
        dev.shuttle.MethodDescriptor.of(
            MethodType.UNARY,
            HAND_BUILT,
            "Echo",
            ProtoMarshaller.of(Tagged.getDefaultInstance()),
            ProtoMarshaller.of(Tagged.getDefaultInstance()));
    server =
        Server.builder()
            .service(new Zoo())
            .service(ServiceDefinition.builder(HAND_BUILT).unary(echo, (request, context) -> request).build())
            .service(ReflectionService.v1())
            .service(ReflectionService.v1alpha())
            .start();
    channel = NettyChannelBuilder.forAddress("127.0.0.1", server.port()).usePlaintext().build();
  }

  @AfterAll
  static void stop() throws InterruptedException {
    if (channel != null) {
      channel.shutdownNow().awaitTermination(10, TimeUnit.SECONDS);
    }
    if (server != null) {
      server.shutdownNow();
    }
  }

  @ParameterizedTest
  @EnumSource(Version.class)
  void listsEveryServiceIncludingOnesWithoutDescriptorAndItself(Version version) throws Exception {
    try (GrpcJavaReflectionStream stream = new GrpcJavaReflectionStream(channel, version)) {
      ServerReflectionResponse response =
          stream.ask(ServerReflectionRequest.newBuilder().setHost("localhost").setListServices("*").build());
      List<String> names =
          response.getListServicesResponse().getServiceList().stream().map(ServiceResponse::getName).toList();
      assertEquals(
          List.of(
              "shuttle.reflection.test.Zoo",
              HAND_BUILT,
              "grpc.reflection.v1.ServerReflection",
              "grpc.reflection.v1alpha.ServerReflection"),
          names);
      assertEquals("localhost", response.getValidHost());
      assertEquals("*", response.getOriginalRequest().getListServices());
    }
  }

  @ParameterizedTest
  @EnumSource(Version.class)
  void aFileComesFirstWithEachOfItsTransitiveDependenciesOnce(Version version) throws Exception {
    try (GrpcJavaReflectionStream stream = new GrpcJavaReflectionStream(channel, version)) {
      List<FileDescriptorProto> files = files(stream.ask(request().setFileByFilename(ZOO_PROTO).build()));
      List<String> names = files.stream().map(FileDescriptorProto::getName).toList();
      assertEquals(ZOO_PROTO, names.get(0));
      assertEquals(Set.of(ZOO_PROTO, ANIMALS_PROTO, TAGGED_PROTO, TIMESTAMP_PROTO), Set.copyOf(names));
      assertEquals(4, names.size(), "each file once: " + names);
      assertEquals(ZooService.SERVICE_NAME, files.get(0).getPackage() + "." + files.get(0).getService(0).getName());
    }
  }

  @ParameterizedTest
  @EnumSource(Version.class)
  void findsTheFileDeclaringAServiceMethodNestedMessageFieldOrEnum(Version version) throws Exception {
    Map<String, String> declaredIn = new HashMap<>();
    declaredIn.put("shuttle.reflection.test.Zoo", ZOO_PROTO);
    declaredIn.put("shuttle.reflection.test.Zoo.Feed", ZOO_PROTO);
    declaredIn.put("shuttle.reflection.test.Keeper", ZOO_PROTO);
    declaredIn.put("shuttle.reflection.test.weight", ZOO_PROTO);
    declaredIn.put("shuttle.reflection.test.Keeper.keeper_name", ZOO_PROTO);
    declaredIn.put("shuttle.reflection.test.Animal.Meal", ANIMALS_PROTO);
    declaredIn.put("shuttle.reflection.test.Animal.Meal.food", ANIMALS_PROTO);
    declaredIn.put("shuttle.reflection.test.Animal.Kind", ANIMALS_PROTO);
    declaredIn.put("shuttle.reflection.test.Animal.KIND_BIRD", ANIMALS_PROTO); // as protoc scopes it
    declaredIn.put("shuttle.reflection.test.Animal.Kind.KIND_BIRD", ANIMALS_PROTO); // as protobuf-java does
    declaredIn.put("google.protobuf.Timestamp", TIMESTAMP_PROTO);
    declaredIn.put("grpc.reflection.v1.ServerReflection.ServerReflectionInfo", "grpc/reflection/v1/reflection.proto");
    declaredIn.put("grpc.reflection.v1alpha.ErrorResponse", "grpc/reflection/v1alpha/reflection.proto");
    try (GrpcJavaReflectionStream stream = new GrpcJavaReflectionStream(channel, version)) {
      for (Map.Entry<String, String> symbol : declaredIn.entrySet()) {
        List<FileDescriptorProto> files =
            files(stream.ask(request().setFileContainingSymbol(symbol.getKey()).build()));
        assertEquals(symbol.getValue(), files.get(0).getName(), symbol.getKey());
      }
      List<String> meal = names(files(stream.ask(request().setFileContainingSymbol("shuttle.reflection.test.Animal.Meal").build())));
      assertEquals(List.of(ANIMALS_PROTO, TIMESTAMP_PROTO), meal);
    }
  }

  @ParameterizedTest
  @EnumSource(Version.class)
  void findsExtensionsByNumberAndListsAllOfAType(Version version) throws Exception {
    try (GrpcJavaReflectionStream stream = new GrpcJavaReflectionStream(channel, version)) {
      for (int number : new int[] {100, 101}) {
        ExtensionRequest extension =
            ExtensionRequest.newBuilder().setContainingType(TAGGED).setExtensionNumber(number).build();
        List<FileDescriptorProto> files = files(stream.ask(request().setFileContainingExtension(extension).build()));
        assertEquals(ZOO_PROTO, files.get(0).getName());
      }
      ServerReflectionResponse numbers = stream.ask(request().setAllExtensionNumbersOfType(TAGGED).build());
      assertEquals(TAGGED, numbers.getAllExtensionNumbersResponse().getBaseTypeName());
      assertEquals(List.of(100, 101), numbers.getAllExtensionNumbersResponse().getExtensionNumberList());
      ServerReflectionResponse none =
          stream.ask(request().setAllExtensionNumbersOfType("shuttle.reflection.test.Keeper").build());
      assertEquals(List.of(), none.getAllExtensionNumbersResponse().getExtensionNumberList());
    }
  }

  @ParameterizedTest
  @EnumSource(Version.class)
  void whatIsNotKnownIsNotFoundAndTheStreamCarriesOn(Version version) throws Exception {
    List<ServerReflectionRequest> unknown =
        List.of(
            request().setFileByFilename("no/such.proto").build(),
            request().setFileContainingSymbol("shuttle.reflection.test.Nope").build(),
            request().setFileContainingSymbol(HAND_BUILT).build(), // no descriptor: listed, not described
            request()
                .setFileContainingExtension(ExtensionRequest.newBuilder().setContainingType(TAGGED).setExtensionNumber(150))
                .build(),
            request().setAllExtensionNumbersOfType("shuttle.reflection.test.Nope").build());
    try (GrpcJavaReflectionStream stream = new GrpcJavaReflectionStream(channel, version)) {
      for (ServerReflectionRequest request : unknown) {
        ServerReflectionResponse response = stream.ask(request);
        assertEquals(io.grpc.Status.Code.NOT_FOUND.value(), response.getErrorResponse().getErrorCode(), request.toString());
        assertTrue(!response.getErrorResponse().getErrorMessage().isEmpty());
        assertEquals(request, response.getOriginalRequest());
        assertEquals(ZOO_PROTO, files(stream.ask(request().setFileByFilename(ZOO_PROTO).build())).get(0).getName());
      }
      ServerReflectionResponse empty = stream.ask(request().build());
      assertEquals(io.grpc.Status.Code.INVALID_ARGUMENT.value(), empty.getErrorResponse().getErrorCode());
      assertEquals(4, stream.ask(request().setListServices("").build()).getListServicesResponse().getServiceCount());
    }
  }

  /** What grpcurl does: rebuild the descriptors from the answers alone, then call the service with them. */
  @Test
  void theAnswersAloneRebuildTheDescriptorsAClientCallsWith() throws Exception {
    List<FileDescriptorProto> files;
    try (GrpcJavaReflectionStream stream = new GrpcJavaReflectionStream(channel, Version.V1)) {
      files = files(stream.ask(request().setFileContainingSymbol(ZooService.SERVICE_NAME).build()));
    }
    FileDescriptor zoo = build(ZOO_PROTO, byName(files), new HashMap<>());
    ServiceDescriptor service = zoo.findServiceByName("Zoo");
    MethodDescriptor feed = service.findMethodByName("Feed");
    assertEquals("shuttle.reflection.test.Animal", feed.getInputType().getFullName());
    assertEquals("shuttle.reflection.test.Animal.Meal", feed.getOutputType().getFullName());
    assertEquals(TAGGED, zoo.findExtensionByName("weight").getContainingType().getFullName());
    MethodDescriptor watch = service.findMethodByName("Watch");
    assertTrue(watch.isClientStreaming() && watch.isServerStreaming());

    DynamicMessage animal =
        DynamicMessage.newBuilder(feed.getInputType())
            .setField(feed.getInputType().findFieldByName("name"), "owl")
            .build();
    io.grpc.MethodDescriptor<DynamicMessage, DynamicMessage> call =
        io.grpc.MethodDescriptor.<DynamicMessage, DynamicMessage>newBuilder()
            .setType(io.grpc.MethodDescriptor.MethodType.UNARY)
            .setFullMethodName(io.grpc.MethodDescriptor.generateFullMethodName(service.getFullName(), feed.getName()))
            .setRequestMarshaller(ProtoUtils.marshaller(DynamicMessage.getDefaultInstance(feed.getInputType())))
            .setResponseMarshaller(ProtoUtils.marshaller(DynamicMessage.getDefaultInstance(feed.getOutputType())))
            .build();
    DynamicMessage meal = ClientCalls.blockingUnaryCall(channel, call, CallOptions.DEFAULT, animal);
    assertEquals("mice for owl", meal.getField(feed.getOutputType().findFieldByName("food")));
  }

  private static final class Zoo extends ZooService {
    @Override
    public Animal.Meal feed(Animal request, ServerContext context) {
      return Animal.Meal.newBuilder().setFood("mice for " + request.getName()).build();
    }
  }

  private static ServerReflectionRequest.Builder request() {
    return ServerReflectionRequest.newBuilder();
  }

  private static List<FileDescriptorProto> files(ServerReflectionResponse response) throws Exception {
    assertTrue(response.hasFileDescriptorResponse(), response.toString());
    List<FileDescriptorProto> files = new ArrayList<>();
    for (ByteString bytes : response.getFileDescriptorResponse().getFileDescriptorProtoList()) {
      files.add(FileDescriptorProto.parseFrom(bytes));
    }
    return files;
  }

  private static List<String> names(List<FileDescriptorProto> files) {
    return files.stream().map(FileDescriptorProto::getName).toList();
  }

  private static Map<String, FileDescriptorProto> byName(List<FileDescriptorProto> files) {
    Map<String, FileDescriptorProto> byName = new HashMap<>();
    Set<String> seen = new HashSet<>();
    for (FileDescriptorProto file : files) {
      assertTrue(seen.add(file.getName()), "sent twice: " + file.getName());
      byName.put(file.getName(), file);
    }
    return byName;
  }

  /** Builds a file after its dependencies, every one of which must have been sent. */
  private static FileDescriptor build(
      String name, Map<String, FileDescriptorProto> sent, Map<String, FileDescriptor> built) throws Exception {
    FileDescriptor done = built.get(name);
    if (done != null) {
      return done;
    }
    FileDescriptorProto proto = sent.get(name);
    assertTrue(proto != null, "not sent: " + name);
    List<FileDescriptor> dependencies = new ArrayList<>();
    for (String dependency : proto.getDependencyList()) {
      dependencies.add(build(dependency, sent, built));
    }
    FileDescriptor file = FileDescriptor.buildFrom(proto, dependencies.toArray(FileDescriptor[]::new));
    built.put(name, file);
    return file;
  }
}
