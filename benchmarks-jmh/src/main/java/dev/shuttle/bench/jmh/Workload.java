package dev.shuttle.bench.jmh;

import dev.shuttle.bench.helloworld.HelloReply;
import dev.shuttle.bench.helloworld.HelloRequest;
import java.util.List;
import java.util.Map;

/**
 * What every micro-benchmark works on: benchmark 1's unary call, a {@code SayHello} of a 100-byte
 * name, with the headers and trailers such a call carries on the wire.
 */
public final class Workload {
  private Workload() {}

  public static final String NAME = "x".repeat(100);
  public static final HelloRequest REQUEST = HelloRequest.newBuilder().setName(NAME).build();
  public static final HelloReply REPLY = HelloReply.newBuilder().setMessage("Hello " + NAME).build();

  /** A client's request header block, as the name/value pairs a gRPC client sends. */
  public static final List<Map.Entry<String, String>> REQUEST_HEADERS = List.of(
      Map.entry(":method", "POST"),
      Map.entry(":scheme", "http"),
      Map.entry(":path", "/helloworld.Greeter/SayHello"),
      Map.entry(":authority", "127.0.0.1:50051"),
      Map.entry("content-type", "application/grpc"),
      Map.entry("te", "trailers"),
      Map.entry("user-agent", "shuttle-jmh/0.1"));

  /** A server's response header block and its trailers. */
  public static final List<Map.Entry<String, String>> RESPONSE_HEADERS = List.of(
      Map.entry(":status", "200"), Map.entry("content-type", "application/grpc"));

  public static final List<Map.Entry<String, String>> TRAILERS = List.of(Map.entry("grpc-status", "0"));

  /** A message as gRPC frames it: flag byte, 4-byte length, the message. */
  public static byte[] framed(byte[] message) {
    byte[] framed = new byte[5 + message.length];
    int n = message.length;
    framed[1] = (byte) (n >>> 24);
    framed[2] = (byte) (n >>> 16);
    framed[3] = (byte) (n >>> 8);
    framed[4] = (byte) n;
    System.arraycopy(message, 0, framed, 5, n);
    return framed;
  }
}
