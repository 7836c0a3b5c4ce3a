package dev.shuttle;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.shuttle.http2.Http2Headers;
import dev.shuttle.internal.GrpcHeaders;
import org.junit.jupiter.api.Test;

/** Received metadata entries, and what a bad one does to the others: nothing. */
class MetadataWireEntryTest {
  @Test
  void aBinaryValueThatIsNotBase64LeavesTheMetadataAsItWas() {
    Metadata metadata = new Metadata();
    metadata.addWireEntry("x-before", "kept");

    assertThrows(IllegalArgumentException.class, () -> metadata.addWireEntry("x-bad-bin", "!!not*base64!!"));

    assertEquals(1, metadata.size());
    assertFalse(metadata.containsKey("x-bad-bin"));
    metadata.addWireEntry("x-after", "also kept");
    assertEquals("kept", metadata.get("x-before"));
    assertEquals("also kept", metadata.get("x-after"));
  }

  /** The trailers a peer sent with broken details: the details go, every other entry stays its own. */
  @Test
  void receivedTrailersDropABadBinaryValueAndKeepTheRestInPlace() {
    Http2Headers trailers =
        new Http2Headers(4)
            .add("grpc-status", "13")
            .add(Metadata.STATUS_DETAILS_KEY, "!!not*base64!!")
            .add("x-request-id", "req-7")
            .add("x-trace-bin", "AQID");

    Metadata metadata = GrpcHeaders.toMetadata(trailers);

    assertFalse(metadata.containsKey(Metadata.STATUS_DETAILS_KEY));
    assertEquals("req-7", metadata.get("x-request-id"));
    assertArrayEquals(new byte[] {1, 2, 3}, metadata.getBinary("x-trace-bin"));
    assertEquals(2, metadata.size());
    assertTrue(metadata.keys().containsAll(java.util.Set.of("x-request-id", "x-trace-bin")));
  }

  @Test
  void statusDetailsArriveAsBytes() {
    Metadata metadata = GrpcHeaders.toMetadata(new Http2Headers(1).add(Metadata.STATUS_DETAILS_KEY, "CAU"));
    assertArrayEquals(new byte[] {8, 5}, metadata.getBinary(Metadata.STATUS_DETAILS_KEY));
  }
}
