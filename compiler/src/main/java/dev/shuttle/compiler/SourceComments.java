package dev.shuttle.compiler;

import com.google.protobuf.DescriptorProtos.FileDescriptorProto;
import com.google.protobuf.DescriptorProtos.SourceCodeInfo.Location;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** The comments a {@code .proto} file's author wrote, looked up by the declaration they document. */
final class SourceComments {
  // Field numbers in descriptor.proto that make up SourceCodeInfo paths.
  private static final int FILE_SERVICE = 6;
  private static final int SERVICE_METHOD = 2;

  private final Map<List<Integer>, String> byPath = new HashMap<>();

  private SourceComments() {}

  /** protoc sends source info only for the files to generate; for others this finds nothing. */
  static SourceComments of(FileDescriptorProto file) {
    SourceComments comments = new SourceComments();
    for (Location location : file.getSourceCodeInfo().getLocationList()) {
      // A leading comment is the usual place for docs; a trailing one is used when it is all.
      String text = location.hasLeadingComments() ? location.getLeadingComments() : location.getTrailingComments();
      if (!text.isBlank()) {
        comments.byPath.putIfAbsent(List.copyOf(location.getPathList()), text);
      }
    }
    return comments;
  }

  /** The comment on service number {@code service} of the file, or "". */
  String service(int service) {
    return byPath.getOrDefault(List.of(FILE_SERVICE, service), "");
  }

  /** The comment on rpc number {@code method} of service number {@code service}, or "". */
  String method(int service, int method) {
    return byPath.getOrDefault(List.of(FILE_SERVICE, service, SERVICE_METHOD, method), "");
  }
}
