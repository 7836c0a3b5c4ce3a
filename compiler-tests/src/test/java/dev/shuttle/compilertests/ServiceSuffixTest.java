package dev.shuttle.compilertests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.shuttle.BidiCall;
import dev.shuttle.BindableService;
import dev.shuttle.CallInvoker;
import dev.shuttle.CallOptions;
import dev.shuttle.MethodDescriptor;
import dev.shuttle.compilertests.suffix.AccountService;
import dev.shuttle.compilertests.suffix.AccountServiceClient;
import dev.shuttle.compilertests.suffix.AuditServiceClient;
import dev.shuttle.compilertests.suffix.AuditService_;
import dev.shuttle.compilertests.suffix.Entry;
import dev.shuttle.compilertests.suffix.LedgerClient;
import dev.shuttle.compilertests.suffix.LedgerService;
import dev.shuttle.compilertests.suffix.LedgerServiceClient;
import dev.shuttle.compilertests.suffix.LedgerService_;
import java.lang.reflect.Modifier;
import org.junit.jupiter.api.Test;
import shuttle.generic.BillingService;
import shuttle.generic.BillingServiceClient;
import shuttle.generic.BillingService_;

/**
 * Services named {@code ...Service} (suffix.proto, generic_services.proto): the base class keeps
 * the name, and a name something else already has gets the usual trailing {@code _}.
 */
class ServiceSuffixTest {
  @Test
  void aServiceNamedSomethingServiceIsItsOwnBaseClass() {
    assertEquals("shuttle.suffix.AccountService", AccountService.SERVICE_NAME);
    assertTrue(Modifier.isAbstract(AccountService.class.getModifiers()));
    assertTrue(BindableService.class.isAssignableFrom(AccountService.class));
    assertEquals("shuttle.suffix.AccountService/Open", callMade(() -> AccountServiceClient.of(FAILING).open(ENTRY)));
  }

  @Test
  void ofTwoServicesWantingOneBaseClassTheFirstDeclaredKeepsIt() {
    assertEquals("shuttle.suffix.Ledger", LedgerService.SERVICE_NAME);
    assertEquals("shuttle.suffix.LedgerService", LedgerService_.SERVICE_NAME);
    assertEquals("shuttle.suffix.Ledger/Post", callMade(() -> LedgerClient.of(FAILING).post(ENTRY)));
    assertEquals("shuttle.suffix.LedgerService/Post", callMade(() -> LedgerServiceClient.of(FAILING).post(ENTRY)));
  }

  @Test
  void aMessageClassOfAnotherProtoPackageInTheSameJavaPackageTakesTheName() {
    assertTrue(com.google.protobuf.Message.class.isAssignableFrom(
        dev.shuttle.compilertests.suffix.AuditService.class));
    assertEquals("shuttle.suffix.AuditService", AuditService_.SERVICE_NAME);
    assertEquals("shuttle.suffix.AuditService/Record", callMade(() -> AuditServiceClient.of(FAILING).record(ENTRY)));
  }

  @Test
  void protocsGenericServiceClassTakesTheName() {
    assertTrue(com.google.protobuf.Service.class.isAssignableFrom(BillingService.class));
    assertEquals("shuttle.generic.BillingService", BillingService_.SERVICE_NAME);
    assertTrue(BindableService.class.isAssignableFrom(BillingService_.class));
    assertEquals(
        "shuttle.generic.BillingService/Bill",
        callMade(() -> BillingServiceClient.of(FAILING).bill(shuttle.generic.Invoice.getDefaultInstance())));
  }

  private static final Entry ENTRY = Entry.newBuilder().setId("1").build();

  /** Fails every call at once, naming the method the client chose. */
  private static final CallInvoker FAILING =
      new CallInvoker() {
        @Override
        public <Req, Resp> BidiCall<Req, Resp> newCall(MethodDescriptor<Req, Resp> method, CallOptions options) {
          throw new MethodCalled(method.fullName());
        }
      };

  private static final class MethodCalled extends RuntimeException {
    MethodCalled(String fullName) {
      super(fullName, null, false, false);
    }
  }

  private static String callMade(Runnable call) {
    return assertThrows(MethodCalled.class, call::run).getMessage();
  }
}
