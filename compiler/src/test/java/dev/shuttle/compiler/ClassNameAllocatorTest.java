package dev.shuttle.compiler;

import static dev.shuttle.compiler.Protos.message;
import static dev.shuttle.compiler.Protos.proto3;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.google.protobuf.DescriptorProtos.FileOptions;
import java.util.List;
import org.junit.jupiter.api.Test;

class ClassNameAllocatorTest {
  private static ClassNameAllocator allocatorFor(String... messages) {
    var file = proto3("greeter.proto", "p").setOptions(FileOptions.newBuilder().setJavaMultipleFiles(true));
    for (String m : messages) {
      file.addMessageType(message(m));
    }
    return new ClassNameAllocator(TypeIndex.of(List.of(file.build())));
  }

  @Test
  void freeNamesAreKept() {
    ClassNameAllocator names = allocatorFor("Hello");
    assertEquals("GreeterService", names.claim("p", "GreeterService"));
    assertEquals("GreeterClient", names.claim("p", "GreeterClient"));
  }

  @Test
  void aMessageClassTakesTheName() {
    ClassNameAllocator names = allocatorFor("GreeterService", "GreeterService_");
    assertEquals("GreeterService__", names.claim("p", "GreeterService"));
    // OrBuilder interfaces of separate-file messages are classes too.
    assertEquals("HelloOrBuilder_", allocatorFor("Hello").claim("p", "HelloOrBuilder"));
  }

  @Test
  void theOuterClassTakesTheName() {
    assertEquals("Greeter_", allocatorFor().claim("p", "Greeter"));
  }

  @Test
  void namesDifferingOnlyInCaseClash() {
    assertEquals("GreeterService_", allocatorFor("GREETERSERVICE").claim("p", "GreeterService"));
  }

  @Test
  void eachClaimTakesTheName() {
    ClassNameAllocator names = allocatorFor();
    assertEquals("FooService", names.claim("p", "FooService"));
    assertEquals("FooService_", names.claim("p", "FooService"));
  }

  @Test
  void packagesAreSeparateScopes() {
    ClassNameAllocator names = allocatorFor("GreeterService");
    assertEquals("GreeterService", names.claim("other", "GreeterService"));
  }
}
