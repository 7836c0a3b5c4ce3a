/**
 * Protocol Buffers for Shuttle: {@code ProtoMarshaller} for the messages of generated services,
 * and {@code StatusProtos} for {@code google.rpc.Status} error details.
 */
// protobuf-java names its module in its manifest; proto-google-common-protos does not, so its
// name comes from its file name, which is stable in Maven Central's layout.
@SuppressWarnings({"requires-automatic", "requires-transitive-automatic"})
module dev.shuttle.protobuf {
  requires transitive dev.shuttle.core;
  requires transitive com.google.protobuf;
  requires transitive proto.google.common.protos;

  exports dev.shuttle.protobuf;
}
