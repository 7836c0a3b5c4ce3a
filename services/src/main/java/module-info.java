/**
 * gRPC's standard services on Shuttle: health checking ({@code grpc.health.v1}) and server
 * reflection ({@code grpc.reflection.v1} and {@code v1alpha}).
 */
module dev.shuttle.services {
  requires transitive dev.shuttle.protobuf;

  exports dev.shuttle.services.health;
  exports dev.shuttle.services.health.v1;
  exports dev.shuttle.services.reflection;
  exports dev.shuttle.services.reflection.v1;
  exports dev.shuttle.services.reflection.v1alpha;
}
