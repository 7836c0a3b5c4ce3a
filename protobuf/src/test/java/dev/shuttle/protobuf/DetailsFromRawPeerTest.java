package dev.shuttle.protobuf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.fail;

import com.google.protobuf.StringValue;
import dev.shuttle.CallOptions;
import dev.shuttle.Channel;
import dev.shuttle.Metadata;
import dev.shuttle.MethodDescriptor;
import dev.shuttle.MethodType;
import dev.shuttle.Status;
import dev.shuttle.StatusException;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.lang.ProcessBuilder.Redirect;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Details no gRPC library would send, from a raw HTTP/2 peer (Python's {@code h2}, see
 * {@code status_details_h2_server.py}): the call still ends with the status the peer sent, and
 * reading its details gives null instead of throwing.
 */
class DetailsFromRawPeerTest {
  private static final String PYTHON = "/usr/bin/python3";
  private static final CallOptions TEN_SECONDS = CallOptions.DEFAULT.withTimeout(Duration.ofSeconds(10));

  private static Process python;
  private static Channel channel;

  @BeforeAll
  static void startPeer() throws Exception {
    requirePythonH2();
    Path script = Path.of(DetailsFromRawPeerTest.class.getResource("/status_details_h2_server.py").toURI());
    python = new ProcessBuilder(PYTHON, script.toString()).redirectError(Redirect.INHERIT).start();
    BufferedReader stdout = new BufferedReader(new InputStreamReader(python.getInputStream(), StandardCharsets.US_ASCII));
    String line = CompletableFuture.supplyAsync(() -> readLine(stdout)).get(20, TimeUnit.SECONDS);
    if (line == null) {
      fail("the Python HTTP/2 peer exited before printing its port (see its stderr above)");
    }
    channel = Channel.plaintext("127.0.0.1:" + Integer.parseInt(line.trim()));
  }

  @AfterAll
  static void stopPeer() throws Exception {
    if (channel != null) {
      channel.close();
    }
    if (python != null) {
      python.getOutputStream().close(); // the script exits when its stdin closes
      python.destroy();
      if (!python.waitFor(10, TimeUnit.SECONDS)) {
        python.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    }
  }

  private static void requirePythonH2() throws InterruptedException {
    String problem;
    if (!Files.isExecutable(Path.of(PYTHON))) {
      problem = PYTHON + " does not exist";
    } else {
      try {
        Process check = new ProcessBuilder(PYTHON, "-c", "import h2").redirectErrorStream(true).start();
        String output = new String(check.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        problem = check.waitFor() == 0 ? null : output.strip();
      } catch (IOException e) {
        problem = e.toString();
      }
    }
    if (problem != null) {
      fail("DetailsFromRawPeerTest needs the Python h2 package for " + PYTHON + " (" + problem + "). "
          + "Install it with: apt-get install python3-h2 (CI installs it).");
    }
  }

  private static String readLine(BufferedReader reader) {
    try {
      return reader.readLine();
    } catch (IOException e) {
      return null;
    }
  }

  private static StatusException callFails(String method) {
    ProtoMarshaller<StringValue> marshaller = ProtoMarshaller.of(StringValue.getDefaultInstance());
    MethodDescriptor<StringValue, StringValue> descriptor =
        MethodDescriptor.of(MethodType.UNARY, "raw.Peer", method, marshaller, marshaller);
    return assertThrows(StatusException.class, () -> channel.unaryCall(descriptor, StringValue.of("hi"), TEN_SECONDS));
  }

  @Test
  void detailsThatAreNotBase64AreDroppedAndTheStatusStands() {
    StatusException e = callFails("BadBase64");

    assertEquals(Status.Code.INTERNAL, e.code());
    assertEquals("bad base64", e.status().description());
    assertFalse(e.trailers().containsKey(Metadata.STATUS_DETAILS_KEY));
    assertEquals("intact", e.trailers().get("x-after"), "the entries after the bad one are unharmed");
    assertNull(StatusProtos.fromThrowable(e));
  }

  @Test
  void base64DetailsThatAreNoStatusProtoReadAsNone() {
    StatusException e = callFails("NotAStatus");

    assertEquals(Status.Code.INVALID_ARGUMENT, e.code());
    assertEquals("not a status", e.status().description());
    assertNull(StatusProtos.fromThrowable(e));
  }

  @Test
  void detailsInPaddedBase64Read() {
    StatusException e = callFails("PaddedDetails");

    assertEquals(Status.Code.UNAVAILABLE, e.code());
    assertEquals(
        com.google.rpc.Status.newBuilder().setCode(Status.Code.UNAVAILABLE.value()).setMessage("raw peer!").build(),
        StatusProtos.fromThrowable(e));
  }

  /** A response that is not gRPC at all keeps its code from the HTTP status, and has no details. */
  @Test
  void aNonGrpcResponseMapsItsHttpStatusAndHasNoDetails() {
    StatusException e = callFails("Http503");

    assertEquals(Status.Code.UNAVAILABLE, e.code());
    assertNull(StatusProtos.fromThrowable(e));
  }
}
