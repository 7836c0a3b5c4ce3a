package dev.shuttle.http2.conformance;

import static dev.shuttle.http2.conformance.Hpack.HUFFMAN_CUSTOM_KEY;
import static dev.shuttle.http2.conformance.Hpack.STATIC_TABLE_LENGTH;
import static dev.shuttle.http2.conformance.Wire.COMPRESSION_ERROR;
import static dev.shuttle.http2.conformance.Wire.END_HEADERS;
import static dev.shuttle.http2.conformance.Wire.END_STREAM;
import static dev.shuttle.http2.conformance.Wire.concat;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

/**
 * RFC 7541, HPACK, as HTTP/2 uses it (RFC 9113 4.3): a field block the server cannot decode is
 * a connection error COMPRESSION_ERROR. Each malformed case has a well-formed twin nearby that
 * the server must accept, so a test cannot pass by the server refusing everything.
 */
class Rfc7541HpackTest extends ConformanceTest {
  /** The first index past the static table: the newest dynamic entry, when there is one. */
  private static final int FIRST_DYNAMIC = STATIC_TABLE_LENGTH + 1;

  /** The request pseudo-header fields as literals, then the representations under test. */
  private static Hpack request() {
    return Hpack.block().raw(block(get()));
  }

  private static byte[] headers(int streamId, Hpack fields) {
    return Wire.headers(streamId, END_STREAM | END_HEADERS, fields.bytes());
  }

  /** Sends the request and returns the server's echo of the fields it decoded. */
  private static String echo(H2Client client, int streamId, Hpack fields) throws Exception {
    client.send(headers(streamId, fields));
    return client.expectResponse(streamId).bodyText();
  }

  private void assertCompressionError(Hpack fields) throws Exception {
    H2Client client = handshake();
    client.send(headers(1, fields));
    client.expectGoAway(COMPRESSION_ERROR);
  }

  // ---------------------------------------------------------------------------------------------
  // 2.3.3 Index address space

  /** RFC 7541 2.3.3: an index past both tables is a decoding error; 62 with an empty dynamic table. */
  @Test
  @H2spec("hpack/2.3.3/1")
  void indexedFieldPastBothTablesIsACompressionError() throws Exception {
    assertCompressionError(request().indexed(FIRST_DYNAMIC));
  }

  /** RFC 7541 2.3.3: the same index as the name of a literal. */
  @Test
  @H2spec("hpack/2.3.3/2")
  void literalNameIndexPastBothTablesIsACompressionError() throws Exception {
    assertCompressionError(request().incremental(FIRST_DYNAMIC, "value"));
  }

  /** RFC 7541 2.3.3: the last static entry (61) is a valid index; with one dynamic entry 62 is too, 63 not. */
  @Test
  void indexAddressSpaceEndsWithTheDynamicTable() throws Exception {
    H2Client client = handshake();
    assertTrue(echo(client, 1, request().indexed(STATIC_TABLE_LENGTH)).contains("www-authenticate: \n"));
    assertTrue(echo(client, 3, request().incremental("x-entry", "one").indexed(FIRST_DYNAMIC)).contains("x-entry: one\nx-entry: one\n"));
    client.send(headers(5, request().indexed(FIRST_DYNAMIC + 1)));
    client.expectGoAway(COMPRESSION_ERROR);
  }

  // ---------------------------------------------------------------------------------------------
  // 4 Dynamic table management

  /**
   * RFC 7541 4.2: a dynamic table size update must come at the start of a field block; after a
   * field it is a decoding error.
   */
  @Test
  @H2spec("hpack/4.2/1")
  void sizeUpdateAtTheEndOfAFieldBlockIsACompressionError() throws Exception {
    assertCompressionError(request().sizeUpdate(1));
  }

  /** RFC 7541 4.2: at the start, the same update is fine. */
  @Test
  void sizeUpdateAtTheStartOfAFieldBlockIsAccepted() throws Exception {
    H2Client client = handshake();
    echo(client, 1, Hpack.block().sizeUpdate(1).raw(block(get())));
  }

  /** RFC 7541 4.3 and 6.3: lowering the table size evicts entries: a reference to one is a decoding error. */
  @Test
  void evictedEntryCannotBeReferenced() throws Exception {
    H2Client client = handshake();
    assertTrue(echo(client, 1, request().incremental("x-entry", "one")).contains("x-entry: one\n"));
    client.send(headers(3, Hpack.block().sizeUpdate(0).sizeUpdate(4096).raw(block(get())).indexed(FIRST_DYNAMIC)));
    client.expectGoAway(COMPRESSION_ERROR);
  }

  /** RFC 7541 4.4: an entry larger than the whole table empties it and is not added. */
  @Test
  void entryLargerThanTheTableEmptiesIt() throws Exception {
    H2Client client = handshake();
    echo(client, 1, request().incremental("x-small", "kept until the big one"));
    echo(client, 3, request().incremental("x-big", "x".repeat(4096)));
    client.send(headers(5, request().indexed(FIRST_DYNAMIC)));
    client.expectGoAway(COMPRESSION_ERROR);
  }

  /** RFC 7541 2.3.2 and 6.2.1: entries added by one block are there for the next, newest first. */
  @Test
  void dynamicTableEntriesServeLaterRequests() throws Exception {
    H2Client client = handshake();
    echo(client, 1, request().incremental("x-first", "1").incremental("x-second", "2"));
    String body = echo(client, 3, request().indexed(FIRST_DYNAMIC).indexed(FIRST_DYNAMIC + 1));
    assertTrue(body.contains("x-second: 2\nx-first: 1\n"), body);
  }

  /** RFC 7541 6.2.2 and 6.2.3: literals without indexing and never-indexed literals leave the table as it was. */
  @Test
  void literalsWithoutIndexingAddNothingToTheTable() throws Exception {
    H2Client client = handshake();
    echo(client, 1, request().literal("x-plain", "1").neverIndexed("x-secret", "2"));
    client.send(headers(3, request().indexed(FIRST_DYNAMIC)));
    client.expectGoAway(COMPRESSION_ERROR);
  }

  // ---------------------------------------------------------------------------------------------
  // 5 Primitive type representations

  /** RFC 7541 5.2: the RFC's own Huffman codes decode (the twin of the malformed ones below). */
  @Test
  void huffmanCodedNameAndValueAreDecoded() throws Exception {
    H2Client client = handshake();
    String body = echo(client, 1, request().literalPrefix(0x00, 4, 0).huffman(HUFFMAN_CUSTOM_KEY).huffman(Hpack.hex("18ff")));
    assertTrue(body.contains("custom-key: aa\n"), body);
  }

  /** RFC 7541 5.2: padding longer than 7 bits is a decoding error: a whole octet of ones after the code. */
  @Test
  @H2spec("hpack/5.2/1")
  void huffmanPaddingLongerThanSevenBitsIsACompressionError() throws Exception {
    byte[] code = concat(HUFFMAN_CUSTOM_KEY, new byte[] {(byte) 0xff});
    assertCompressionError(request().literalPrefix(0x00, 4, 0).string("x-test").huffman(code));
  }

  /**
   * RFC 7541 5.2: padding must be the most significant bits of EOS, that is ones: "custom-key"
   * with its seven bits of padding zeroed is a decoding error.
   */
  @Test
  @H2spec("hpack/5.2/2")
  void huffmanPaddingOfZerosIsACompressionError() throws Exception {
    byte[] code = Arrays.copyOf(HUFFMAN_CUSTOM_KEY, HUFFMAN_CUSTOM_KEY.length);
    code[code.length - 1] = 0x00; // was 0x7f: the last bit of 'y', then seven one-bits of padding
    assertCompressionError(request().literalPrefix(0x00, 4, 0).string("x-test").huffman(code));
  }

  /**
   * RFC 7541 5.2: a string containing EOS is a decoding error: 'a' (00011), EOS (thirty ones),
   * 'a' again, five octets exactly.
   */
  @Test
  @H2spec("hpack/5.2/3")
  void huffmanCodeContainingEosIsACompressionError() throws Exception {
    assertCompressionError(request().literalPrefix(0x00, 4, 0).string("x-test").huffman(Hpack.hex("1fff ffff e3")));
  }

  /** RFC 7541 5.1: an integer that does not fit in 32 bits cannot index anything: a decoding error. */
  @Test
  void oversizedIntegerIsACompressionError() throws Exception {
    assertCompressionError(request().integer(0x80, 7, 1L << 33));
  }

  // ---------------------------------------------------------------------------------------------
  // 6 Binary format

  /** RFC 7541 6.1: index 0 is not used; an indexed field with index 0 is a decoding error. */
  @Test
  @H2spec("hpack/6.1/1")
  void indexedFieldWithIndexZeroIsACompressionError() throws Exception {
    assertCompressionError(request().raw(new byte[] {(byte) 0x80}));
  }

  /**
   * RFC 7541 6.3: a size update above the SETTINGS_HEADER_TABLE_SIZE the server announced (4096,
   * the default, when it announced none) is a decoding error.
   */
  @Test
  @H2spec("hpack/6.3/1")
  void sizeUpdateAboveTheAnnouncedLimitIsACompressionError() throws Exception {
    H2Client client = handshake();
    Long announced = client.serverSetting(Wire.HEADER_TABLE_SIZE);
    int limit = announced == null ? 4096 : Math.toIntExact(announced);
    client.send(headers(1, Hpack.block().sizeUpdate(limit + 1).raw(block(get()))));
    client.expectGoAway(COMPRESSION_ERROR);
  }

  /** RFC 7541 6.3: a size update to exactly the limit is fine. */
  @Test
  void sizeUpdateToTheAnnouncedLimitIsAccepted() throws Exception {
    H2Client client = handshake();
    Long announced = client.serverSetting(Wire.HEADER_TABLE_SIZE);
    int limit = announced == null ? 4096 : Math.toIntExact(announced);
    echo(client, 1, Hpack.block().sizeUpdate(limit).raw(block(get())));
  }
}
