package dev.shuttle.internal;

import dev.shuttle.BidiCall;
import dev.shuttle.CallInvoker;
import dev.shuttle.CallOptions;
import dev.shuttle.ClientInterceptor;
import dev.shuttle.ClientStreamingCall;
import dev.shuttle.MethodDescriptor;
import dev.shuttle.Metadata;
import dev.shuttle.Status;
import dev.shuttle.StatusException;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/** Every call kind built on {@link CallInvoker#newCall}, and the invoker behind interceptors. */
public final class InvokedCalls {
  private InvokedCalls() {}

  /** One request, half-close, one response, and the end of the stream, which carries the status. */
  public static <Req, Resp> Resp unary(BidiCall<Req, Resp> call, Req request) {
    try (call) {
      call.send(request);
      call.halfClose();
      return onlyResponse(call);
    }
  }

  /** The one response of a call that takes one, and the end of the stream, which carries the status. */
  private static <Resp> Resp onlyResponse(BidiCall<?, Resp> call) {
    Resp response = call.receive();
    if (response == null) {
      throw new StatusException(Status.INTERNAL.withDescription("the server sent no response"), call.trailers());
    }
    if (call.receive() != null) {
      throw new StatusException(Status.INTERNAL.withDescription("the server sent more than one response"));
    }
    return response;
  }

  /** A unary call on a virtual thread; cancelling the future closes, and so cancels, the call. */
  public static <Req, Resp> CompletableFuture<Resp> unaryAsync(
      CallInvoker invoker, MethodDescriptor<Req, Resp> method, Req request, CallOptions options) {
    // Opened here, on the caller's thread, so that a handler's deadline is inherited.
    BidiCall<Req, Resp> call = invoker.newCall(method, options);
    ClosingFuture<Resp> future = new ClosingFuture<>(call);
    Thread.startVirtualThread(() -> {
      try {
        future.complete(unary(call, request));
      } catch (Throwable t) {
        future.completeExceptionally(t);
      }
    });
    return future;
  }

  /** A client-streaming call on a stream: {@code finish} half-closes and reads the one response. */
  public static <Req, Resp> ClientStreamingCall<Req, Resp> clientStreaming(BidiCall<Req, Resp> call) {
    return new ClientStreamingCall<>() {
      @Override
      public void send(Req message) {
        call.send(message);
      }

      @Override
      public Resp finish() {
        call.halfClose();
        return onlyResponse(call);
      }

      @Override
      public Metadata headers() {
        return call.headers();
      }

      @Override
      public Metadata trailers() {
        return call.trailers();
      }

      @Override
      public void setMessageCompression(boolean compress) {
        call.setMessageCompression(compress);
      }

      @Override
      public void close() {
        call.close();
      }
    };
  }

  /** {@code target} behind {@code interceptors}, the first outermost. */
  public static CallInvoker intercepted(CallInvoker target, List<ClientInterceptor> interceptors) {
    if (interceptors.isEmpty()) {
      return target;
    }
    return new CallInvoker() {
      @Override
      public <Req, Resp> BidiCall<Req, Resp> newCall(MethodDescriptor<Req, Resp> method, CallOptions options) {
        return cast(next(0, method).newCall(options));
      }

      private ClientInterceptor.Next next(int index, MethodDescriptor<?, ?> method) {
        if (index == interceptors.size()) {
          return options -> cast(target.newCall(method, options));
        }
        ClientInterceptor interceptor = interceptors.get(index);
        ClientInterceptor.Next rest = next(index + 1, method);
        return options -> interceptor.intercept(method, options, rest);
      }
    };
  }

  @SuppressWarnings("unchecked")
  private static <Req, Resp> BidiCall<Req, Resp> cast(BidiCall<?, ?> call) {
    return (BidiCall<Req, Resp>) call;
  }

  /** A future whose cancel closes the call behind it. */
  private static final class ClosingFuture<T> extends CompletableFuture<T> {
    private final BidiCall<?, ?> call;

    ClosingFuture(BidiCall<?, ?> call) {
      this.call = call;
    }

    @Override
    public boolean cancel(boolean mayInterruptIfRunning) {
      boolean cancelled = super.cancel(mayInterruptIfRunning);
      if (cancelled) {
        call.close();
      }
      return cancelled;
    }
  }
}
