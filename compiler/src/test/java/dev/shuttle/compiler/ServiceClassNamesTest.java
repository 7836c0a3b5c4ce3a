package dev.shuttle.compiler;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class ServiceClassNamesTest {
  @Test
  void aNameWithoutTheSuffixGetsServiceAppended() {
    assertEquals("GreeterService", ServiceClassNames.baseClass("Greeter"));
    assertEquals("TestServerService", ServiceClassNames.baseClass("TestServer"));
  }

  @Test
  void aNameEndingInServiceIsTheBaseClassAsItIs() {
    assertEquals("UserService", ServiceClassNames.baseClass("UserService"));
    assertEquals("Service", ServiceClassNames.baseClass("Service"));
  }

  @Test
  void theSuffixMustBeWrittenExactly() {
    assertEquals("UserserviceService", ServiceClassNames.baseClass("Userservice"));
    assertEquals("USERSERVICEService", ServiceClassNames.baseClass("USERSERVICE"));
    assertEquals("ServicesService", ServiceClassNames.baseClass("Services"));
  }

  @Test
  void theClientAlwaysAppendsClient() {
    assertEquals("GreeterClient", ServiceClassNames.clientClass("Greeter"));
    assertEquals("UserServiceClient", ServiceClassNames.clientClass("UserService"));
  }
}
