package dev.shuttle.http2;

/** Big-endian integer access on byte arrays, as every HTTP/2 field is big-endian. */
final class Bytes {
  private Bytes() {}

  static int readInt(byte[] b, int i) {
    return ((b[i] & 0xff) << 24) | ((b[i + 1] & 0xff) << 16) | ((b[i + 2] & 0xff) << 8) | (b[i + 3] & 0xff);
  }

  static long readLong(byte[] b, int i) {
    return ((long) readInt(b, i) << 32) | (readInt(b, i + 4) & 0xffffffffL);
  }

  static void writeInt(byte[] b, int i, int v) {
    b[i] = (byte) (v >>> 24);
    b[i + 1] = (byte) (v >>> 16);
    b[i + 2] = (byte) (v >>> 8);
    b[i + 3] = (byte) v;
  }
}
