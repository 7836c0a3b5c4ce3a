package dev.shuttle.compilertests;

import static dev.shuttle.compilertests.Signatures.assertSignature;
import static dev.shuttle.compilertests.Signatures.method;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.Empty;
import dev.shuttle.BindableService;
import dev.shuttle.MethodDescriptor;
import dev.shuttle.MethodType;
import dev.shuttle.ServerContext;
import dev.shuttle.ServiceDefinition;
import dev.shuttle.Status;
import dev.shuttle.StatusException;
import dev.shuttle.UnaryHandler;
import dev.shuttle.compilertests.kitchen.KitchenClient;
import dev.shuttle.compilertests.kitchen.KitchenService;
import dev.shuttle.compilertests.kitchen.Outer;
import java.lang.reflect.Modifier;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/** The classes generated for service Kitchen in kitchen.proto (java_multiple_files, java_package). */
class KitchenTest {
  private static final String PKG = "dev.shuttle.compilertests.kitchen.";

  @Test
  void serviceNameIsTheProtoName() {
    assertEquals("shuttle.test.kitchen.Kitchen", KitchenService.SERVICE_NAME);
  }

  @Test
  void descriptorsNameTheMethodsAsOnTheWire() {
    assertDescriptor(KitchenService.ECHO, MethodType.UNARY, "Echo");
    assertDescriptor(KitchenService.TICKS, MethodType.SERVER_STREAMING, "Ticks");
    assertDescriptor(KitchenService.COLLECT, MethodType.CLIENT_STREAMING, "Collect");
    assertDescriptor(KitchenService.CHAT, MethodType.BIDI_STREAMING, "Chat");
    assertEquals("/shuttle.test.kitchen.Kitchen/Echo", KitchenService.ECHO.path());
  }

  private static void assertDescriptor(MethodDescriptor<?, ?> descriptor, MethodType type, String method) {
    assertEquals(type, descriptor.type());
    assertEquals("shuttle.test.kitchen.Kitchen", descriptor.serviceName());
    assertEquals(method, descriptor.methodName());
    assertEquals("shuttle.test.kitchen.Kitchen/" + method, descriptor.fullName());
  }

  @Test
  void descriptorsMarshalTheirOwnMessageTypes() throws Exception {
    Outer.Inner inner = Outer.Inner.newBuilder().setText("hi").build();
    byte[] bytes = KitchenService.ECHO.requestMarshaller().serialize(inner);
    assertEquals(inner, KitchenService.ECHO.requestMarshaller().parse(bytes, 0, bytes.length));
    Outer outer = Outer.newBuilder().setInner(inner).build();
    byte[] outerBytes = KitchenService.ECHO.responseMarshaller().serialize(outer);
    assertEquals(outer, KitchenService.ECHO.responseMarshaller().parse(outerBytes, 0, outerBytes.length));
  }

  @Test
  void serviceClassShape() {
    assertTrue(Modifier.isAbstract(KitchenService.class.getModifiers()));
    assertTrue(BindableService.class.isAssignableFrom(KitchenService.class));
    assertSignature(
        "public " + PKG + "Outer echo(" + PKG + "Outer$Inner,dev.shuttle.ServerContext)", KitchenService.class, "echo");
    assertSignature(
        "public void ticks(com.google.protobuf.Empty,dev.shuttle.StreamSink<com.google.protobuf.Timestamp>,"
            + "dev.shuttle.ServerContext)",
        KitchenService.class,
        "ticks");
    assertSignature(
        "public com.google.protobuf.Empty collect(dev.shuttle.StreamSource<" + PKG + "Outer$Inner>,"
            + "dev.shuttle.ServerContext)",
        KitchenService.class,
        "collect");
    assertSignature(
        "public void chat(dev.shuttle.StreamSource<" + PKG + "Status>,dev.shuttle.StreamSink<" + PKG + "Status>,"
            + "dev.shuttle.ServerContext)",
        KitchenService.class,
        "chat");
    assertSignature("public final dev.shuttle.ServiceDefinition bindService()", KitchenService.class, "bindService");
  }

  @Test
  void methodsLeftAloneFailWithUnimplemented() {
    KitchenService service = new KitchenService() {};
    assertUnimplemented("Echo", () -> service.echo(Outer.Inner.getDefaultInstance(), null));
    assertUnimplemented("Ticks", () -> service.ticks(Empty.getDefaultInstance(), message -> {}, null));
    assertUnimplemented("Collect", () -> service.collect(() -> null, null));
    assertUnimplemented("Chat", () -> service.chat(() -> null, message -> {}, null));
  }

  private static void assertUnimplemented(String method, Executable call) {
    StatusException e = assertThrows(StatusException.class, call);
    assertEquals(Status.Code.UNIMPLEMENTED, e.code());
    assertEquals("Method shuttle.test.kitchen.Kitchen/" + method + " is unimplemented", e.status().description());
  }

  @Test
  @SuppressWarnings("unchecked")
  void bindServiceBindsEveryRpcToTheOverridingMethod() {
    Outer answer = Outer.newBuilder().setInner(Outer.Inner.newBuilder().setText("served")).build();
    KitchenService service =
        new KitchenService() {
          @Override
          public Outer echo(Outer.Inner request, ServerContext context) {
            return answer;
          }
        };
    ServiceDefinition definition = service.bindService();
    assertEquals("shuttle.test.kitchen.Kitchen", definition.name());
    assertEquals(List.of("Echo", "Ticks", "Collect", "Chat", "Old"), List.copyOf(definition.methods().keySet()));
    assertSame(KitchenService.ECHO, definition.methods().get("Echo").descriptor());
    assertSame(KitchenService.CHAT, definition.methods().get("Chat").descriptor());
    var echo = (UnaryHandler<Outer.Inner, Outer>) definition.methods().get("Echo").handler();
    assertSame(answer, echo.handle(Outer.Inner.getDefaultInstance(), null));
  }

  @Test
  void clientClassShape() {
    assertTrue(Modifier.isFinal(KitchenClient.class.getModifiers()));
    assertEquals(0, KitchenClient.class.getConstructors().length, "made with of(channel), not new");
    String client = PKG + "KitchenClient";
    assertSignature("public static " + client + " of(dev.shuttle.CallInvoker)", KitchenClient.class, "of");
    assertSignature(
        "public " + client + " withInterceptors(dev.shuttle.ClientInterceptor...)", KitchenClient.class, "withInterceptors");
    assertSignature("public " + client + " withOptions(dev.shuttle.CallOptions)", KitchenClient.class, "withOptions");
    assertSignature("public " + client + " withTimeout(java.time.Duration)", KitchenClient.class, "withTimeout");
    assertSignature("public " + client + " withMetadata(dev.shuttle.Metadata)", KitchenClient.class, "withMetadata");
    assertSignature("public " + PKG + "Outer echo(" + PKG + "Outer$Inner)", KitchenClient.class, "echo");
    assertSignature(
        "public java.util.concurrent.CompletableFuture<" + PKG + "Outer> echoAsync(" + PKG + "Outer$Inner)",
        KitchenClient.class,
        "echoAsync");
    assertSignature(
        "public dev.shuttle.ResponseStream<com.google.protobuf.Timestamp> ticks(com.google.protobuf.Empty)",
        KitchenClient.class,
        "ticks");
    assertSignature(
        "public dev.shuttle.ClientStreamingCall<" + PKG + "Outer$Inner, com.google.protobuf.Empty> collect()",
        KitchenClient.class,
        "collect");
    assertSignature(
        "public dev.shuttle.BidiCall<" + PKG + "Status, " + PKG + "Status> chat()", KitchenClient.class, "chat");
    assertThrows(NullPointerException.class, () -> KitchenClient.of(null));
  }

  @Test
  void onlyUnaryRpcsGetAnAsyncVariant() {
    assertEquals(
        List.of(
            "chat", "collect", "echo", "echoAsync", "of", "old", "oldAsync", "options", "ticks", "withCompression",
            "withDeadline", "withInterceptors", "withMetadata", "withOptions", "withResponseMetadata", "withTimeout"),
        Signatures.publicMethodNames(KitchenClient.class));
  }

  @Test
  void deprecatedRpcsAreDeprecatedEverywhere() throws NoSuchFieldException {
    assertTrue(KitchenService.class.getField("OLD").isAnnotationPresent(Deprecated.class));
    assertTrue(method(KitchenService.class, "old").isAnnotationPresent(Deprecated.class));
    assertTrue(method(KitchenClient.class, "old").isAnnotationPresent(Deprecated.class));
    assertTrue(method(KitchenClient.class, "oldAsync").isAnnotationPresent(Deprecated.class));
    assertFalse(method(KitchenService.class, "echo").isAnnotationPresent(Deprecated.class));
    assertFalse(KitchenService.class.isAnnotationPresent(Deprecated.class));
  }
}
