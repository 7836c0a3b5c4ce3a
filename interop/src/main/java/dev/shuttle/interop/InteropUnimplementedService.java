package dev.shuttle.interop;

import dev.shuttle.interop.proto.UnimplementedService;

/**
 * {@code grpc.testing.UnimplementedService}, served with none of its methods implemented: the
 * generated base class answers every call with {@code UNIMPLEMENTED}, which is what the
 * unimplemented_service case asks of a server. (A server without it answers the same, from its
 * unknown-service path; the interop tests of this module cover both.)
 */
final class InteropUnimplementedService extends UnimplementedService {}
