package dev.shuttle.interop;

import dev.shuttle.MethodDescriptor;
import dev.shuttle.MethodType;
import dev.shuttle.ServerContext;
import dev.shuttle.ServiceDefinition;
import dev.shuttle.interop.proto.Payload;
import dev.shuttle.interop.proto.SimpleRequest;
import dev.shuttle.interop.proto.SimpleResponse;
import dev.shuttle.protobuf.ProtoMarshaller;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The interop server's {@link InteropTestService} with two test hooks on UnaryCall: the last
 * request it received, and the {@link Interop#SLEEP_KEY} header, which makes it wait (until the
 * call is cancelled) before answering, recording how each wait ended.
 */
final class ShuttleInteropService extends InteropTestService {
  /** The test-only payload echo; see {@link Interop#ECHO_SERVICE}. */
  static final MethodDescriptor<Payload, Payload> ECHO =
      MethodDescriptor.of(
          MethodType.UNARY,
          Interop.ECHO_SERVICE,
          Interop.ECHO_METHOD,
          ProtoMarshaller.of(Payload.getDefaultInstance()),
          ProtoMarshaller.of(Payload.getDefaultInstance()));

  final AtomicReference<SimpleRequest> lastUnaryRequest = new AtomicReference<>();

  /** One entry per finished sleep: true when the call's cancellation ended it. */
  final BlockingQueue<Boolean> sleepsEndedByCancellation = new LinkedBlockingQueue<>();

  ShuttleInteropService() {
    super("shuttle-interop-test", new BackendMetrics());
  }

  static ServiceDefinition echoService() {
    return ServiceDefinition.builder(Interop.ECHO_SERVICE).unary(ECHO, (payload, context) -> payload).build();
  }

  @Override
  public SimpleResponse unaryCall(SimpleRequest request, ServerContext context) {
    lastUnaryRequest.set(request);
    String sleep = context.requestMetadata().get(Interop.SLEEP_KEY);
    if (sleep != null) {
      sleepUntilCancelled(context, Long.parseLong(sleep));
    }
    return super.unaryCall(request, context);
  }

  private void sleepUntilCancelled(ServerContext context, long millis) {
    long end = System.nanoTime() + millis * 1_000_000;
    try {
      while (!context.isCancelled() && System.nanoTime() - end < 0) {
        Thread.sleep(5);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      sleepsEndedByCancellation.add(context.isCancelled());
    }
  }
}
