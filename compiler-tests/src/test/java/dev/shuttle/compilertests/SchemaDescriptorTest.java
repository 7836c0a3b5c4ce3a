package dev.shuttle.compilertests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import com.google.protobuf.Descriptors.ServiceDescriptor;
import dev.shuttle.BindableService;
import dev.shuttle.ServiceDefinition;
import dev.shuttle.compilertests.ed.OracleService;
import dev.shuttle.compilertests.kitchen.ClashService;
import dev.shuttle.compilertests.kitchen.KitchenService;
import org.junit.jupiter.api.Test;
import shuttle.conflict.ResolverService;
import shuttle.legacy.PingerService;
import shuttle.nested.UnpackerService;

/**
 * Each generated service hands the server its protobuf descriptor (for server reflection), found
 * through the outer class whatever protoc named it.
 */
class SchemaDescriptorTest {
  @Test
  void everyNamingRuleLeadsToTheServicesOwnDescriptor() {
    assertDescribes("shuttle.test.kitchen.Kitchen", "shuttle/test/kitchen.proto", new KitchenService() {});
    assertDescribes("shuttle.test.kitchen.Clash", "shuttle/test/kitchen.proto", new ClashService() {});
    assertDescribes("shuttle.legacy.Pinger", "legacy.proto", new PingerService() {});
    assertDescribes("shuttle.conflict.Resolver", "conflict.proto", new ResolverService() {});
    assertDescribes("shuttle.nested.Unpacker", "nested_clash.proto", new UnpackerService() {});
    assertDescribes("shuttle.ed.Oracle", "edition2024.proto", new OracleService() {});
  }

  private static void assertDescribes(String fullName, String file, BindableService service) {
    ServiceDefinition definition = service.bindService();
    ServiceDescriptor descriptor = assertInstanceOf(ServiceDescriptor.class, definition.schemaDescriptor());
    assertEquals(fullName, descriptor.getFullName());
    assertEquals(definition.name(), descriptor.getFullName());
    assertEquals(file, descriptor.getFile().getName());
    assertEquals(definition.methods().keySet().size(), descriptor.getMethods().size());
  }
}
