package dev.shuttle.interop;

import dev.shuttle.MethodDescriptor;
import dev.shuttle.MethodType;
import dev.shuttle.ServerContext;
import dev.shuttle.ServiceDefinition;
import dev.shuttle.Status;
import dev.shuttle.StatusException;
import dev.shuttle.interop.proto.Empty;
import dev.shuttle.interop.proto.Payload;
import dev.shuttle.interop.proto.PayloadType;
import dev.shuttle.interop.proto.SimpleRequest;
import dev.shuttle.interop.proto.SimpleResponse;
import dev.shuttle.interop.proto.TestServiceService;
import dev.shuttle.protobuf.ProtoMarshaller;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The interop TestService on Shuttle's generated base class, with the server features of
 * grpc/grpc's doc/interop-test-descriptions.md that unary calls use (EmptyCall, UnaryCall, Echo
 * Status, Echo Metadata), plus two test hooks: the last UnaryCall request, and how each
 * {@link Interop#SLEEP_KEY} sleep ended. UnimplementedCall is deliberately left to the base class.
 */
final class ShuttleInteropService extends TestServiceService {
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

  static ServiceDefinition echoService() {
    return ServiceDefinition.builder(Interop.ECHO_SERVICE).unary(ECHO, (payload, context) -> payload).build();
  }

  @Override
  public Empty emptyCall(Empty request, ServerContext context) {
    return Empty.getDefaultInstance();
  }

  @Override
  public SimpleResponse unaryCall(SimpleRequest request, ServerContext context) {
    lastUnaryRequest.set(request);
    echoMetadata(context);
    String sleep = context.requestMetadata().get(Interop.SLEEP_KEY);
    if (sleep != null) {
      sleepUntilCancelled(context, Long.parseLong(sleep));
    }
    if (request.hasResponseStatus() && request.getResponseStatus().getCode() != 0) {
      throw new StatusException(
          Status.of(Status.Code.fromValue(request.getResponseStatus().getCode()), request.getResponseStatus().getMessage()));
    }
    if (request.getResponseType() != PayloadType.COMPRESSABLE) {
      throw new StatusException(Status.INVALID_ARGUMENT.withDescription("unsupported response_type"));
    }
    if (request.getResponseSize() < 0) {
      throw new StatusException(Status.INVALID_ARGUMENT.withDescription("negative response_size"));
    }
    return Interop.zerosResponse(request);
  }

  private static void echoMetadata(ServerContext context) {
    String initial = context.requestMetadata().get(Interop.ECHO_INITIAL_KEY);
    if (initial != null) {
      context.responseHeaders().add(Interop.ECHO_INITIAL_KEY, initial);
    }
    byte[] trailing = context.requestMetadata().getBinary(Interop.ECHO_TRAILING_KEY);
    if (trailing != null) {
      context.responseTrailers().addBinary(Interop.ECHO_TRAILING_KEY, trailing);
    }
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
