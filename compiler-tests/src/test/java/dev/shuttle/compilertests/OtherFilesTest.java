package dev.shuttle.compilertests;

import static dev.shuttle.compilertests.Signatures.assertSignature;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.shuttle.BindableService;
import dev.shuttle.MethodDescriptor;
import dev.shuttle.MethodType;
import dev.shuttle.compilertests.ed.OracleClient;
import dev.shuttle.compilertests.ed.OracleService;
import org.junit.jupiter.api.Test;
import shuttle.conflict.ResolverService;
import shuttle.greeter.GreeterService;
import shuttle.legacy.PingerClient;
import shuttle.legacy.PingerService;
import shuttle.nested.UnpackerService;

/**
 * The other .proto files, each for one of protoc's naming rules. That the generated code compiles
 * at all proves the message class names agree with protoc's; these tests pin them down.
 */
class OtherFilesTest {
  private static final String CONTEXT = "dev.shuttle.ServerContext";

  @Test
  void withoutJavaPackageOrMultipleFilesMessagesAreNestedInTheOuterClass() {
    assertEquals("shuttle.legacy.Pinger", PingerService.SERVICE_NAME);
    assertSignature(
        "public shuttle.legacy.Legacy$Pong ping(shuttle.legacy.Legacy$Ping," + CONTEXT + ")", PingerService.class, "ping");
    assertSignature(
        "public dev.shuttle.BidiCall<shuttle.legacy.Legacy$Ping, shuttle.legacy.Legacy$Pong> flood()",
        PingerClient.class,
        "flood");
    assertEquals(MethodType.BIDI_STREAMING, PingerService.FLOOD.type());
  }

  @Test
  void aMessageNamedLikeTheFileGivesOuterClassSuffix() {
    String conflict = "shuttle.conflict.ConflictOuterClass$Conflict";
    assertSignature("public " + conflict + " resolve(" + conflict + "," + CONTEXT + ")", ResolverService.class, "resolve");
  }

  @Test
  void aNestedMessageNamedLikeTheFileGivesOuterClassSuffixToo() {
    assertSignature(
        "public shuttle.nested.NestedClashOuterClass$Box$NestedClash unpack(shuttle.nested.NestedClashOuterClass$Box,"
            + CONTEXT + ")",
        UnpackerService.class,
        "unpack");
  }

  @Test
  void aServiceNamedLikeTheFileGivesOuterClassSuffixToo() {
    assertEquals("shuttle.greeter.Greeter", GreeterService.SERVICE_NAME);
    assertSignature(
        "public shuttle.greeter.GreeterOuterClass$Hello greet(shuttle.greeter.GreeterOuterClass$Hello," + CONTEXT + ")",
        GreeterService.class,
        "greet");
  }

  @Test
  void withoutAnyPackageClassesAreInTheDefaultPackage() throws ReflectiveOperationException {
    Class<?> service = Class.forName("LonelyService");
    Class<?> client = Class.forName("LonelyClient");
    assertEquals("Lonely", service.getField("SERVICE_NAME").get(null));
    assertEquals("Lonely/Hi", ((MethodDescriptor<?, ?>) service.getField("HI").get(null)).fullName());
    assertTrue(BindableService.class.isAssignableFrom(service));
    assertSignature("public NoPackage$Lone hi(NoPackage$Lone," + CONTEXT + ")", service, "hi");
    assertSignature("public NoPackage$Lone hi(NoPackage$Lone)", client, "hi");
  }

  @Test
  void edition2024NamesTypesPerType() {
    assertEquals("shuttle.ed.Oracle", OracleService.SERVICE_NAME);
    assertSignature(
        "public dev.shuttle.compilertests.ed.Edition2024Proto$Answer ask(dev.shuttle.compilertests.ed.Question,"
            + CONTEXT + ")",
        OracleService.class,
        "ask");
    assertSignature(
        "public dev.shuttle.compilertests.ed.Edition2024Proto$Answer ask(dev.shuttle.compilertests.ed.Question)",
        OracleClient.class,
        "ask");
  }
}
