package dev.shuttle.cli;

import com.google.protobuf.ByteString;
import com.google.protobuf.DescriptorProtos.FileDescriptorProto;
import com.google.protobuf.Descriptors.FileDescriptor;
import com.google.protobuf.InvalidProtocolBufferException;
import dev.shuttle.BidiCall;
import dev.shuttle.MethodDescriptor;
import dev.shuttle.MethodType;
import dev.shuttle.Status;
import dev.shuttle.StatusException;
import dev.shuttle.protobuf.ProtoMarshaller;
import dev.shuttle.services.reflection.v1.ServerReflectionRequest;
import dev.shuttle.services.reflection.v1.ServerReflectionResponse;
import dev.shuttle.services.reflection.v1.ServiceResponse;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Descriptors from the server's reflection service: {@code grpc.reflection.v1}, or
 * {@code v1alpha} when the server answers v1 with {@code UNIMPLEMENTED} (older grpc-java and
 * grpc-go servers serve only that). One stream serves every question of the command.
 */
final class ReflectionSource implements DescriptorSource {
  private static final MethodDescriptor<ServerReflectionRequest, ServerReflectionResponse> V1 =
      info("grpc.reflection.v1.ServerReflection");
  /** v1alpha's messages are v1's field for field, so v1's classes read and write both. */
  private static final MethodDescriptor<ServerReflectionRequest, ServerReflectionResponse> V1ALPHA =
      info("grpc.reflection.v1alpha.ServerReflection");

  private final Connection connection;
  private final Map<String, FileDescriptorProto> received = new HashMap<>();
  private final FileDescriptors files = new FileDescriptors(this::fileByName);
  private BidiCall<ServerReflectionRequest, ServerReflectionResponse> stream;
  private boolean triedV1alpha;

  ReflectionSource(Connection connection) {
    this.connection = connection;
  }

  private static MethodDescriptor<ServerReflectionRequest, ServerReflectionResponse> info(String service) {
    return MethodDescriptor.of(
        MethodType.BIDI_STREAMING,
        service,
        "ServerReflectionInfo",
        ProtoMarshaller.of(ServerReflectionRequest.getDefaultInstance()),
        ProtoMarshaller.of(ServerReflectionResponse.getDefaultInstance()));
  }

  @Override
  public List<String> services() {
    ServerReflectionResponse response = ask(ServerReflectionRequest.newBuilder().setListServices("*").build());
    if (!response.hasListServicesResponse()) {
      throw unexpected(response, "list_services");
    }
    List<String> names = new ArrayList<>();
    for (ServiceResponse service : response.getListServicesResponse().getServiceList()) {
      names.add(service.getName());
    }
    names.sort(null);
    return names;
  }

  @Override
  public FileDescriptor fileContaining(String symbol) {
    ServerReflectionResponse response =
        ask(ServerReflectionRequest.newBuilder().setFileContainingSymbol(symbol).build());
    if (response.hasErrorResponse()) {
      if (response.getErrorResponse().getErrorCode() == Status.Code.NOT_FOUND.value()) {
        return null;
      }
      throw unexpected(response, "file_containing_symbol");
    }
    List<FileDescriptorProto> protos = keep(response);
    if (protos.isEmpty()) {
      throw unexpected(response, "file_containing_symbol");
    }
    // The first file is the one declaring the symbol; the rest are what it imports.
    return files.build(protos.get(0).getName());
  }

  /** A file the server sent already, or else one asked for by name (servers may send less). */
  private FileDescriptorProto fileByName(String name) {
    FileDescriptorProto known = received.get(name);
    if (known != null) {
      return known;
    }
    ServerReflectionResponse response = ask(ServerReflectionRequest.newBuilder().setFileByFilename(name).build());
    if (response.hasErrorResponse()) {
      return null;
    }
    keep(response);
    return received.get(name);
  }

  private List<FileDescriptorProto> keep(ServerReflectionResponse response) {
    List<FileDescriptorProto> protos = new ArrayList<>();
    for (ByteString bytes : response.getFileDescriptorResponse().getFileDescriptorProtoList()) {
      try {
        FileDescriptorProto proto = FileDescriptorProto.parseFrom(bytes);
        received.putIfAbsent(proto.getName(), proto);
        protos.add(proto);
      } catch (InvalidProtocolBufferException e) {
        throw CliException.withCode(ExitCodes.RPC_FAILED, "the server sent an invalid file descriptor: " + e.getMessage());
      }
    }
    return protos;
  }

  private ServerReflectionResponse ask(ServerReflectionRequest request) {
    while (true) {
      if (stream == null) {
        stream = connection.channel().bidiStreamingCall(triedV1alpha ? V1ALPHA : V1, connection.options());
      }
      try {
        stream.send(request);
        ServerReflectionResponse response = stream.receive();
        if (response == null) {
          throw CliException.withCode(ExitCodes.RPC_FAILED, "the server ended the reflection stream early");
        }
        return response;
      } catch (StatusException e) {
        stream.close();
        stream = null;
        if (e.code() == Status.Code.UNIMPLEMENTED && !triedV1alpha) {
          triedV1alpha = true;
          continue;
        }
        if (e.code() == Status.Code.UNIMPLEMENTED) {
          throw CliException.notFound(
              "the server has no reflection service (neither grpc.reflection.v1 nor v1alpha):"
                  + " give its descriptors with --protoset FILE or --proto FILE");
        }
        throw e;
      }
    }
  }

  private static CliException unexpected(ServerReflectionResponse response, String request) {
    if (response.hasErrorResponse()) {
      Status.Code code = Status.Code.fromValue(response.getErrorResponse().getErrorCode());
      return CliException.withCode(ExitCodes.RPC_FAILED,
          "reflection " + request + " failed: " + code + ": " + response.getErrorResponse().getErrorMessage());
    }
    return CliException.withCode(ExitCodes.RPC_FAILED, "reflection " + request + ": unexpected answer " + response.getMessageResponseCase());
  }

  @Override
  public void close() {
    if (stream != null) {
      stream.halfClose();
      stream.close();
    }
  }
}
