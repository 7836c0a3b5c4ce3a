package dev.shuttle.services.reflection;

import com.google.protobuf.Descriptors.FileDescriptor;
import dev.shuttle.Status;
import dev.shuttle.services.reflection.v1.ErrorResponse;
import dev.shuttle.services.reflection.v1.ExtensionNumberResponse;
import dev.shuttle.services.reflection.v1.ExtensionRequest;
import dev.shuttle.services.reflection.v1.FileDescriptorResponse;
import dev.shuttle.services.reflection.v1.ListServiceResponse;
import dev.shuttle.services.reflection.v1.ServerReflectionRequest;
import dev.shuttle.services.reflection.v1.ServerReflectionResponse;
import dev.shuttle.services.reflection.v1.ServiceResponse;
import java.util.List;

/**
 * Answers one reflection request from what a {@link DescriptorIndex} knows. A request that cannot
 * be answered gets an {@code ErrorResponse}, never an exception: the client's stream goes on.
 */
final class ReflectionResponder {
  private final DescriptorIndex index;

  ReflectionResponder(DescriptorIndex index) {
    this.index = index;
  }

  ServerReflectionResponse answer(ServerReflectionRequest request) {
    ServerReflectionResponse.Builder response =
        ServerReflectionResponse.newBuilder().setValidHost(request.getHost()).setOriginalRequest(request);
    switch (request.getMessageRequestCase()) {
      case LIST_SERVICES -> response.setListServicesResponse(services());
      case FILE_BY_FILENAME -> {
        String name = request.getFileByFilename();
        FileDescriptor file = index.fileByName(name);
        if (file == null) {
          return response.setErrorResponse(error(Status.Code.NOT_FOUND, "file not found: " + name)).build();
        }
        response.setFileDescriptorResponse(files(file));
      }
      case FILE_CONTAINING_SYMBOL -> {
        String symbol = request.getFileContainingSymbol();
        FileDescriptor file = index.fileContainingSymbol(symbol);
        if (file == null) {
          return response.setErrorResponse(error(Status.Code.NOT_FOUND, "symbol not found: " + symbol)).build();
        }
        response.setFileDescriptorResponse(files(file));
      }
      case FILE_CONTAINING_EXTENSION -> {
        ExtensionRequest extension = request.getFileContainingExtension();
        FileDescriptor file =
            index.fileContainingExtension(extension.getContainingType(), extension.getExtensionNumber());
        if (file == null) {
          String message = "extension not found: " + extension.getExtensionNumber() + " of "
              + extension.getContainingType();
          return response.setErrorResponse(error(Status.Code.NOT_FOUND, message)).build();
        }
        response.setFileDescriptorResponse(files(file));
      }
      case ALL_EXTENSION_NUMBERS_OF_TYPE -> {
        String type = request.getAllExtensionNumbersOfType();
        List<Integer> numbers = index.extensionNumbers(type);
        if (numbers == null) {
          return response.setErrorResponse(error(Status.Code.NOT_FOUND, "type not found: " + type)).build();
        }
        response.setAllExtensionNumbersResponse(
            ExtensionNumberResponse.newBuilder().setBaseTypeName(type).addAllExtensionNumber(numbers));
      }
      case MESSAGEREQUEST_NOT_SET ->
          response.setErrorResponse(error(Status.Code.INVALID_ARGUMENT, "the request sets no message_request"));
    }
    return response.build();
  }

  private ListServiceResponse services() {
    ListServiceResponse.Builder list = ListServiceResponse.newBuilder();
    for (String name : index.serviceNames()) {
      list.addService(ServiceResponse.newBuilder().setName(name));
    }
    return list.build();
  }

  /** The file and all it imports, each once: a client needs them all to build its descriptor. */
  private static FileDescriptorResponse files(FileDescriptor file) {
    FileDescriptorResponse.Builder files = FileDescriptorResponse.newBuilder();
    for (FileDescriptor each : DescriptorIndex.withDependencies(file)) {
      files.addFileDescriptorProto(each.toProto().toByteString());
    }
    return files.build();
  }

  private static ErrorResponse error(Status.Code code, String message) {
    return ErrorResponse.newBuilder().setErrorCode(code.value()).setErrorMessage(message).build();
  }
}
