package dev.shuttle.services.reflection;

import com.google.protobuf.InvalidProtocolBufferException;
import io.grpc.ManagedChannel;
import io.grpc.reflection.v1.ServerReflectionGrpc;
import io.grpc.reflection.v1.ServerReflectionRequest;
import io.grpc.reflection.v1.ServerReflectionResponse;
import io.grpc.stub.StreamObserver;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * One reflection stream opened by grpc-java's own generated stubs, on v1 or v1alpha: requests go
 * out one at a time and each waits for its answer. v1alpha's messages are v1's field for field, so
 * both versions are asked and read as v1 messages here, but travel as the version's own.
 */
final class GrpcJavaReflectionStream implements AutoCloseable {
  enum Version {
    V1,
    V1ALPHA
  }

  private final BlockingQueue<Object> received = new LinkedBlockingQueue<>();
  private final Version version;
  private final StreamObserver<ServerReflectionRequest> v1;
  @SuppressWarnings("deprecation")
  private final StreamObserver<io.grpc.reflection.v1alpha.ServerReflectionRequest> v1alpha;

  @SuppressWarnings("deprecation")
  GrpcJavaReflectionStream(ManagedChannel channel, Version version) {
    this.version = version;
    if (version == Version.V1) {
      v1 = ServerReflectionGrpc.newStub(channel).serverReflectionInfo(collect());
      v1alpha = null;
    } else {
      v1 = null;
      v1alpha = io.grpc.reflection.v1alpha.ServerReflectionGrpc.newStub(channel).serverReflectionInfo(collect());
    }
  }

  /** Sends one request and returns the server's answer to it. */
  @SuppressWarnings("deprecation")
  ServerReflectionResponse ask(ServerReflectionRequest request) throws Exception {
    if (version == Version.V1) {
      v1.onNext(request);
    } else {
      v1alpha.onNext(io.grpc.reflection.v1alpha.ServerReflectionRequest.parseFrom(request.toByteString()));
    }
    Object answer = received.poll(10, TimeUnit.SECONDS);
    if (answer == null) {
      throw new AssertionError("no answer to " + request);
    }
    if (answer instanceof Throwable failure) {
      throw new AssertionError("the stream failed", failure);
    }
    return (ServerReflectionResponse) answer;
  }

  private <T extends com.google.protobuf.Message> StreamObserver<T> collect() {
    return new StreamObserver<>() {
      @Override
      public void onNext(T response) {
        try {
          received.add(ServerReflectionResponse.parseFrom(response.toByteString()));
        } catch (InvalidProtocolBufferException e) {
          received.add(e);
        }
      }

      @Override
      public void onError(Throwable t) {
        received.add(t);
      }

      @Override
      public void onCompleted() {
        received.add(new IllegalStateException("the server ended the stream"));
      }
    };
  }

  @Override
  public void close() {
    if (v1 != null) {
      v1.onCompleted();
    } else {
      v1alpha.onCompleted();
    }
  }
}
