package dev.shuttle.compiler;

import com.google.protobuf.DescriptorProtos;
import com.google.protobuf.DescriptorProtos.FeatureSet;
import com.google.protobuf.ExtensionRegistry;
import com.google.protobuf.GeneratedMessage.GeneratedExtension;
import com.google.protobuf.JavaFeaturesProto;
import com.google.protobuf.JavaFeaturesProto.JavaFeatures;

/**
 * protobuf-java's Java-specific features ({@code pb.java}), reached only through here because of
 * an initialisation trap: if {@code JavaFeaturesProto} is initialised before {@code
 * DescriptorProtos}, both fail ("getDescriptor() called before internalInit()") and stay broken
 * for the life of the JVM. Loading this class initialises them in the order that works.
 */
final class JavaFeatureSupport {
  static {
    DescriptorProtos.getDescriptor();
  }

  /** The {@code pb.java} extension of {@link FeatureSet}. */
  static final GeneratedExtension<FeatureSet, JavaFeatures> JAVA = JavaFeaturesProto.java_;

  private JavaFeatureSupport() {}

  /** A registry that parses {@code pb.java} features as such rather than as unknown fields. */
  static ExtensionRegistry registry() {
    ExtensionRegistry registry = ExtensionRegistry.newInstance();
    registry.add(JAVA);
    return registry;
  }
}
