package dev.shuttle.compiler;

import com.google.protobuf.DescriptorProtos.FileDescriptorProto;
import com.google.protobuf.DescriptorProtos.MethodDescriptorProto;
import com.google.protobuf.DescriptorProtos.ServiceDescriptorProto;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** Resolves every name one service's generated classes need, producing a {@link ServiceModel}. */
final class ServicePlanner {
  /** Packages the generated code always refers to: {@code dev.shuttle.*} and {@code java.*}. */
  private static final Set<String> RUNTIME_PACKAGE_ROOTS = Set.of("dev", "java");

  private final TypeIndex types;
  private final ClassNameAllocator classNames;

  ServicePlanner(TypeIndex types, ClassNameAllocator classNames) {
    this.types = types;
    this.classNames = classNames;
  }

  ServiceModel plan(FileDescriptorProto file, int serviceIndex, SourceComments comments) {
    ServiceDescriptorProto service = file.getService(serviceIndex);
    String javaPackage = ProtobufJavaNaming.javaPackage(file);
    String fullName = file.getPackage().isEmpty() ? service.getName() : file.getPackage() + "." + service.getName();
    String outerName = ProtobufJavaNaming.outerClassName(file);
    String outerClass = javaPackage.isEmpty() ? outerName : javaPackage + "." + outerName;

    List<TypeIndex.JavaClass> requests = new ArrayList<>();
    List<TypeIndex.JavaClass> responses = new ArrayList<>();
    List<RpcNaming.Rpc> naming = new ArrayList<>();
    Set<String> packageRoots = new HashSet<>(RUNTIME_PACKAGE_ROOTS);
    packageRoots.add(JavaIdentifiers.firstSegment(outerClass));
    // protoc deprecates the outer class of a deprecated file, and bindService() refers to it.
    boolean usesDeprecatedTypes = file.getOptions().getDeprecated();
    for (MethodDescriptorProto method : service.getMethodList()) {
      TypeIndex.JavaClass request = types.message(method.getInputType());
      TypeIndex.JavaClass response = types.message(method.getOutputType());
      requests.add(request);
      responses.add(response);
      packageRoots.add(JavaIdentifiers.firstSegment(request.className()));
      packageRoots.add(JavaIdentifiers.firstSegment(response.className()));
      usesDeprecatedTypes |= request.deprecated() || response.deprecated();
      naming.add(new RpcNaming.Rpc(method.getName(), kindOf(method) == RpcKind.UNARY));
    }
    List<RpcNaming.Names> names = RpcNaming.assign(naming, packageRoots);

    List<ServiceModel.Rpc> rpcs = new ArrayList<>();
    for (int i = 0; i < service.getMethodCount(); i++) {
      MethodDescriptorProto method = service.getMethod(i);
      RpcNaming.Names n = names.get(i);
      rpcs.add(
          new ServiceModel.Rpc(
              method.getName(),
              kindOf(method),
              requests.get(i).className(),
              responses.get(i).className(),
              n.method(),
              n.asyncMethod(),
              n.constant(),
              comments.method(serviceIndex, i),
              method.getOptions().getDeprecated()));
    }
    return new ServiceModel(
        file.getName(),
        javaPackage,
        fullName,
        service.getName(),
        outerClass,
        classNames.claim(javaPackage, ServiceClassNames.baseClass(service.getName())),
        classNames.claim(javaPackage, ServiceClassNames.clientClass(service.getName())),
        comments.service(serviceIndex),
        service.getOptions().getDeprecated(),
        usesDeprecatedTypes,
        rpcs,
        LocalNames.avoiding(packageRoots));
  }

  private static RpcKind kindOf(MethodDescriptorProto method) {
    return RpcKind.of(method.getClientStreaming(), method.getServerStreaming());
  }
}
