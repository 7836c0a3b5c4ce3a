package dev.shuttle.http2.config;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.interfaces.RSAKey;
import java.security.spec.InvalidKeySpecException;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * Reads PEM files (RFC 7468) with the JDK alone: certificate chains, and private keys as PKCS#8
 * ({@code BEGIN PRIVATE KEY}), PKCS#1 RSA ({@code BEGIN RSA PRIVATE KEY}) or SEC1 EC
 * ({@code BEGIN EC PRIVATE KEY}). The two traditional OpenSSL forms are rewrapped as PKCS#8, which
 * is a few DER bytes around the same key. Encrypted keys are refused with a message that says so.
 */
final class Pem {
  private static final String RSA_OID = "1.2.840.113549.1.1.1";
  private static final String EC_OID = "1.2.840.10045.2.1";
  private static final String RSASSA_PSS_OID = "1.2.840.113549.1.1.10";
  private static final String ED25519_OID = "1.3.101.112";
  private static final String ED448_OID = "1.3.101.113";

  private Pem() {}

  /** One {@code -----BEGIN label-----} ... {@code -----END label-----} block, decoded. */
  record Block(String label, byte[] der) {}

  /** The certificates in {@code file}, in file order (leaf first for a chain). */
  static List<X509Certificate> readCertificates(Path file) throws IOException, GeneralSecurityException {
    List<X509Certificate> certificates = parseCertificates(Files.readAllBytes(file));
    if (certificates.isEmpty()) {
      throw new CertificateException("no BEGIN CERTIFICATE block in " + file);
    }
    return certificates;
  }

  static List<X509Certificate> parseCertificates(byte[] pem) throws IOException, GeneralSecurityException {
    CertificateFactory factory = CertificateFactory.getInstance("X.509");
    List<X509Certificate> certificates = new ArrayList<>();
    for (Block block : blocks(new String(pem, StandardCharsets.US_ASCII))) {
      if (block.label().equals("CERTIFICATE")) {
        certificates.add((X509Certificate) factory.generateCertificate(new ByteArrayInputStream(block.der())));
      }
    }
    return certificates;
  }

  /** The one private key in {@code file}. */
  static PrivateKey readPrivateKey(Path file) throws IOException, GeneralSecurityException {
    try {
      return parsePrivateKey(Files.readAllBytes(file));
    } catch (GeneralSecurityException | IOException e) {
      throw new InvalidKeySpecException(file + ": " + e.getMessage(), e);
    }
  }

  static PrivateKey parsePrivateKey(byte[] pem) throws IOException, GeneralSecurityException {
    String text = new String(pem, StandardCharsets.US_ASCII);
    PrivateKey key = null;
    for (Block block : blocks(text)) {
      PrivateKey found =
          switch (block.label()) {
            case "PRIVATE KEY" -> pkcs8(block.der());
            case "RSA PRIVATE KEY" -> pkcs8(wrapPkcs8(RSA_OID, Der.NULL, block.der()));
            case "EC PRIVATE KEY" -> pkcs8(wrapPkcs8(EC_OID, sec1Curve(block.der()), block.der()));
            case "ENCRYPTED PRIVATE KEY" ->
                throw new InvalidKeySpecException(
                    "encrypted private keys are not supported; decrypt it first (openssl pkcs8 -nocrypt)");
            default -> null;
          };
      if (found != null) {
        if (key != null) {
          throw new InvalidKeySpecException("more than one private key");
        }
        key = found;
      }
    }
    if (key == null) {
      throw new InvalidKeySpecException("no BEGIN PRIVATE KEY, RSA PRIVATE KEY or EC PRIVATE KEY block");
    }
    return key;
  }

  /**
   * Checks that {@code key} is the private half of {@code certificate}'s public key: a rotated
   * pair caught half-written must not replace a good one.
   */
  static void checkKeyMatches(PrivateKey key, X509Certificate certificate) throws GeneralSecurityException {
    PublicKey publicKey = certificate.getPublicKey();
    if (!key.getAlgorithm().equals(publicKey.getAlgorithm())) {
      throw new InvalidKeySpecException(
          "the private key is " + key.getAlgorithm() + " but the certificate's key is " + publicKey.getAlgorithm());
    }
    if (key instanceof RSAKey rsa && publicKey instanceof RSAKey rsaPublic) {
      if (!rsa.getModulus().equals(rsaPublic.getModulus())) {
        throw new InvalidKeySpecException("the private key does not belong to the certificate " + subject(certificate));
      }
      return;
    }
    String algorithm =
        switch (key.getAlgorithm()) {
          case "EC" -> "SHA256withECDSA";
          case "Ed25519", "Ed448", "EdDSA" -> key.getAlgorithm();
          default -> null;
        };
    if (algorithm == null) {
      return; // nothing cheap to check for this kind of key
    }
    byte[] probe = "shuttle key check".getBytes(StandardCharsets.US_ASCII);
    Signature signer = Signature.getInstance(algorithm);
    signer.initSign(key);
    signer.update(probe);
    byte[] signature = signer.sign();
    Signature verifier = Signature.getInstance(algorithm);
    verifier.initVerify(publicKey);
    verifier.update(probe);
    if (!verifier.verify(signature)) {
      throw new InvalidKeySpecException("the private key does not belong to the certificate " + subject(certificate));
    }
  }

  private static String subject(X509Certificate certificate) {
    return certificate.getSubjectX500Principal().getName();
  }

  /** Every PEM block in {@code text}; text between blocks is ignored, as RFC 7468 allows. */
  static List<Block> blocks(String text) throws InvalidKeySpecException {
    List<Block> blocks = new ArrayList<>();
    int at = 0;
    while (true) {
      int begin = text.indexOf("-----BEGIN ", at);
      if (begin < 0) {
        return blocks;
      }
      int labelStart = begin + "-----BEGIN ".length();
      int labelEnd = text.indexOf("-----", labelStart);
      if (labelEnd < 0) {
        throw new InvalidKeySpecException("unterminated BEGIN line");
      }
      String label = text.substring(labelStart, labelEnd);
      String end = "-----END " + label + "-----";
      int bodyStart = labelEnd + 5;
      int bodyEnd = text.indexOf(end, bodyStart);
      if (bodyEnd < 0) {
        throw new InvalidKeySpecException("no " + end + " line");
      }
      String body = text.substring(bodyStart, bodyEnd);
      if (body.contains("Proc-Type:") || body.contains("DEK-Info:")) {
        throw new InvalidKeySpecException(
            "encrypted " + label + " blocks are not supported; decrypt the key first (openssl pkcs8 -nocrypt)");
      }
      try {
        blocks.add(new Block(label, Base64.getMimeDecoder().decode(body)));
      } catch (IllegalArgumentException e) {
        throw new InvalidKeySpecException(label + " block is not valid base64", e);
      }
      at = bodyEnd + end.length();
    }
  }

  private static PrivateKey pkcs8(byte[] der) throws IOException, GeneralSecurityException {
    // PrivateKeyInfo ::= SEQUENCE { version INTEGER, algorithm AlgorithmIdentifier, privateKey OCTET STRING, ... }
    Der info = Der.read(der, 0).expect(Der.SEQUENCE, "PKCS#8 PrivateKeyInfo");
    Der version = info.child().expect(Der.INTEGER, "PKCS#8 version");
    Der algorithm = version.next(info);
    if (algorithm == null) {
      throw new InvalidKeySpecException("malformed PKCS#8 PrivateKeyInfo");
    }
    algorithm.expect(Der.SEQUENCE, "PKCS#8 algorithm");
    String oid = Der.oid(algorithm.child().expect(Der.OID, "PKCS#8 algorithm OID"));
    String name =
        switch (oid) {
          case RSA_OID -> "RSA";
          case EC_OID -> "EC";
          case RSASSA_PSS_OID -> "RSASSA-PSS";
          case ED25519_OID -> "Ed25519";
          case ED448_OID -> "Ed448";
          default -> throw new InvalidKeySpecException("unsupported private key algorithm " + oid);
        };
    return KeyFactory.getInstance(name).generatePrivate(new PKCS8EncodedKeySpec(der));
  }

  /** The named-curve OID in a SEC1 ECPrivateKey's {@code [0] parameters}, as DER. */
  private static byte[] sec1Curve(byte[] der) throws IOException, InvalidKeySpecException {
    // ECPrivateKey ::= SEQUENCE { version 1, privateKey OCTET STRING, [0] ECParameters OPTIONAL, [1] BIT STRING OPTIONAL }
    Der key = Der.read(der, 0).expect(Der.SEQUENCE, "SEC1 ECPrivateKey");
    for (Der field = key.child(); field != null; field = field.next(key)) {
      if (field.tag() == 0xa0) {
        Der curve = field.child().expect(Der.OID, "SEC1 named curve");
        return curve.encoded();
      }
    }
    throw new InvalidKeySpecException("EC PRIVATE KEY without a named curve; convert it to PKCS#8 (openssl pkcs8 -topk8 -nocrypt)");
  }

  /** PrivateKeyInfo { 0, AlgorithmIdentifier { oid, parameters }, OCTET STRING key }. */
  private static byte[] wrapPkcs8(String oid, byte[] parameters, byte[] key) {
    byte[] algorithm = Der.encode(Der.SEQUENCE, concat(Der.encodeOid(oid), parameters));
    byte[] version = {Der.INTEGER, 1, 0};
    return Der.encode(Der.SEQUENCE, concat(version, algorithm, Der.encode(Der.OCTET_STRING, key)));
  }

  private static byte[] concat(byte[]... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] part : parts) {
      out.writeBytes(part);
    }
    return out.toByteArray();
  }

  /** Just enough DER (X.690) to walk a key's outer structure: tag, length, contents. */
  record Der(byte[] buf, int start, int tag, int contentStart, int end) {
    static final int INTEGER = 0x02;
    static final int OCTET_STRING = 0x04;
    static final int OID = 0x06;
    static final int SEQUENCE = 0x30;
    static final byte[] NULL = {0x05, 0x00};

    static Der read(byte[] buf, int at) throws InvalidKeySpecException {
      if (at + 2 > buf.length) {
        throw new InvalidKeySpecException("truncated DER");
      }
      int tag = buf[at] & 0xff;
      int length = buf[at + 1] & 0xff;
      int contents = at + 2;
      if (length >= 0x80) {
        int bytes = length & 0x7f;
        if (bytes == 0 || bytes > 3 || contents + bytes > buf.length) {
          throw new InvalidKeySpecException("unsupported DER length");
        }
        length = 0;
        for (int i = 0; i < bytes; i++) {
          length = (length << 8) | (buf[contents + i] & 0xff);
        }
        contents += bytes;
      }
      if (contents + length > buf.length) {
        throw new InvalidKeySpecException("truncated DER");
      }
      return new Der(buf, at, tag, contents, contents + length);
    }

    Der expect(int expectedTag, String what) throws InvalidKeySpecException {
      if (tag != expectedTag) {
        throw new InvalidKeySpecException("malformed " + what);
      }
      return this;
    }

    /** The first element inside this one. */
    Der child() throws InvalidKeySpecException {
      if (contentStart >= end) {
        throw new InvalidKeySpecException("empty DER element");
      }
      return read(buf, contentStart);
    }

    /** The element after this one inside {@code parent}, or null after the last. */
    Der next(Der parent) throws InvalidKeySpecException {
      return end < parent.end ? read(buf, end) : null;
    }

    byte[] encoded() {
      return java.util.Arrays.copyOfRange(buf, start, end);
    }

    static String oid(Der oid) {
      StringBuilder text = new StringBuilder();
      long value = 0;
      for (int i = oid.contentStart; i < oid.end; i++) {
        value = (value << 7) | (oid.buf[i] & 0x7f);
        if ((oid.buf[i] & 0x80) == 0) {
          if (text.isEmpty()) {
            int first = (int) Math.min(2, value / 40);
            text.append(first).append('.').append(value - 40L * first);
          } else {
            text.append('.').append(value);
          }
          value = 0;
        }
      }
      return text.toString();
    }

    static byte[] encodeOid(String oid) {
      String[] arcs = oid.split("\\.");
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      long first = Long.parseLong(arcs[0]) * 40 + Long.parseLong(arcs[1]);
      writeBase128(out, first);
      for (int i = 2; i < arcs.length; i++) {
        writeBase128(out, Long.parseLong(arcs[i]));
      }
      return encode(OID, out.toByteArray());
    }

    private static void writeBase128(ByteArrayOutputStream out, long value) {
      int groups = 1;
      for (long v = value >>> 7; v != 0; v >>>= 7) {
        groups++;
      }
      for (int g = groups - 1; g >= 0; g--) {
        int b = (int) ((value >>> (7 * g)) & 0x7f);
        out.write(g == 0 ? b : b | 0x80);
      }
    }

    static byte[] encode(int tag, byte[] contents) {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      out.write(tag);
      int length = contents.length;
      if (length < 0x80) {
        out.write(length);
      } else if (length < 0x100) {
        out.write(0x81);
        out.write(length);
      } else if (length < 0x10000) {
        out.write(0x82);
        out.write(length >>> 8);
        out.write(length);
      } else {
        out.write(0x83);
        out.write(length >>> 16);
        out.write(length >>> 8);
        out.write(length);
      }
      out.writeBytes(contents);
      return out.toByteArray();
    }
  }
}
