package dev.shuttle.bench;

import dev.shuttle.bench.helloworld.HelloReply;
import dev.shuttle.bench.helloworld.HelloRequest;
import io.grpc.MethodDescriptor;
import io.grpc.protobuf.ProtoUtils;

/**
 * grpc-java's descriptor of {@code helloworld.Greeter/SayHello} for the latency clients and
 * servers, built by hand over the protoc messages so that protoc-gen-grpc-java is not needed (the
 * Bench echo's is {@link Endpoints#GRPC_UNARY}).
 */
final class GrpcMethods {
  private GrpcMethods() {}

  static final MethodDescriptor<HelloRequest, HelloReply> SAY_HELLO =
      MethodDescriptor.<HelloRequest, HelloReply>newBuilder()
          .setType(MethodDescriptor.MethodType.UNARY)
          .setFullMethodName(MethodDescriptor.generateFullMethodName("helloworld.Greeter", "SayHello"))
          .setRequestMarshaller(ProtoUtils.marshaller(HelloRequest.getDefaultInstance()))
          .setResponseMarshaller(ProtoUtils.marshaller(HelloReply.getDefaultInstance()))
          .build();
}
