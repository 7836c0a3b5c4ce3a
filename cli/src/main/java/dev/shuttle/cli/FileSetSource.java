package dev.shuttle.cli;

import com.google.protobuf.DescriptorProtos.FileDescriptorProto;
import com.google.protobuf.DescriptorProtos.FileDescriptorSet;
import com.google.protobuf.DescriptorProtos.ServiceDescriptorProto;
import com.google.protobuf.Descriptors.FileDescriptor;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Descriptors from {@code FileDescriptorSet}s, as {@code protoc --descriptor_set_out
 * --include_imports} writes them: for servers without reflection.
 */
final class FileSetSource implements DescriptorSource {
  private final Map<String, FileDescriptorProto> protos = new LinkedHashMap<>();
  private final FileDescriptors files = new FileDescriptors(protos::get);

  FileSetSource(List<FileDescriptorSet> sets) {
    for (FileDescriptorSet set : sets) {
      for (FileDescriptorProto file : set.getFileList()) {
        protos.putIfAbsent(file.getName(), file);
      }
    }
  }

  @Override
  public List<String> services() {
    List<String> names = new ArrayList<>();
    for (FileDescriptorProto file : protos.values()) {
      String prefix = file.getPackage().isEmpty() ? "" : file.getPackage() + ".";
      for (ServiceDescriptorProto service : file.getServiceList()) {
        names.add(prefix + service.getName());
      }
    }
    names.sort(null);
    return names;
  }

  @Override
  public FileDescriptor fileContaining(String symbol) {
    for (String name : protos.keySet()) {
      FileDescriptor file = files.build(name);
      if (Symbols.of(file).find(symbol) != null) {
        return file;
      }
    }
    return null;
  }
}
