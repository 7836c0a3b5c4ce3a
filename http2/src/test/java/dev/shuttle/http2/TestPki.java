package dev.shuttle.http2;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * Certificate authorities and certificates made at test time (BouncyCastle, test scope only):
 * a CA of its own for each test that needs one, leaf certificates for servers and clients, and
 * PEM files in the forms a user has (PKCS#8, or the traditional RSA/EC forms).
 */
public final class TestPki {
  private static final AtomicLong SERIALS = new AtomicLong(System.currentTimeMillis());

  private TestPki() {}

  /** The kinds of key a test can ask for. */
  public enum KeyType {
    EC,
    RSA
  }

  /** How a private key is written. */
  public enum KeyFormat {
    /** {@code BEGIN PRIVATE KEY}. */
    PKCS8,
    /** {@code BEGIN RSA PRIVATE KEY} or {@code BEGIN EC PRIVATE KEY}. */
    TRADITIONAL
  }

  /** A key pair with its certificate chain, leaf first. */
  public record Issued(KeyPair keys, List<X509Certificate> chain) {
    public X509Certificate certificate() {
      return chain.get(0);
    }

    public PrivateKey privateKey() {
      return keys.getPrivate();
    }

    /** Writes {@code name.pem} (the chain) and {@code name.key} (PKCS#8) in {@code dir}. */
    public PemFiles writePem(Path dir, String name) {
      return writePem(dir, name, KeyFormat.PKCS8);
    }

    public PemFiles writePem(Path dir, String name, KeyFormat format) {
      Path chainFile = dir.resolve(name + ".pem");
      Path keyFile = dir.resolve(name + ".key");
      write(chainFile, certificatesPem(chain));
      write(keyFile, privateKeyPem(keys.getPrivate(), format));
      return new PemFiles(chainFile, keyFile);
    }
  }

  /** The files {@link Issued#writePem} wrote. */
  public record PemFiles(Path certificateChain, Path privateKey) {}

  /** A certificate authority that can issue certificates. */
  public static final class Ca {
    private final Issued self;

    private Ca(Issued self) {
      this.self = self;
    }

    public X509Certificate certificate() {
      return self.certificate();
    }

    /** Writes the CA certificate to {@code dir/name.pem}. */
    public Path writePem(Path dir, String name) {
      Path file = dir.resolve(name + ".pem");
      write(file, certificatesPem(List.of(self.certificate())));
      return file;
    }

    /** A server certificate for these DNS names and IP addresses ({@code 127.0.0.1}). */
    public Issued server(String commonName, String... names) {
      return issue(commonName, KeyType.EC, true, names);
    }

    /** A client certificate. */
    public Issued client(String commonName) {
      return issue(commonName, KeyType.EC, false);
    }

    public Issued issue(String commonName, KeyType type, boolean server, String... names) {
      try {
        KeyPair keys = generate(type);
        Instant now = Instant.now();
        X509v3CertificateBuilder builder =
            new JcaX509v3CertificateBuilder(
                new X500Name(self.certificate().getSubjectX500Principal().getName()),
                BigInteger.valueOf(SERIALS.incrementAndGet()),
                Date.from(now.minus(Duration.ofHours(1))),
                Date.from(now.plus(Duration.ofDays(2))),
                new X500Name("CN=" + commonName),
                keys.getPublic());
        builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
        builder.addExtension(
            Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature | KeyUsage.keyEncipherment));
        builder.addExtension(
            Extension.extendedKeyUsage,
            false,
            new ExtendedKeyUsage(server ? KeyPurposeId.id_kp_serverAuth : KeyPurposeId.id_kp_clientAuth));
        if (names.length > 0) {
          List<GeneralName> altNames = new ArrayList<>();
          for (String name : names) {
            boolean ip = name.chars().allMatch(c -> c == '.' || c == ':' || Character.digit(c, 16) >= 0)
                && (name.contains(":") || name.chars().filter(c -> c == '.').count() == 3);
            altNames.add(new GeneralName(ip ? GeneralName.iPAddress : GeneralName.dNSName, name));
          }
          builder.addExtension(
              Extension.subjectAlternativeName, false, new GeneralNames(altNames.toArray(GeneralName[]::new)));
        }
        X509Certificate certificate = sign(builder, self.privateKey());
        List<X509Certificate> chain = new ArrayList<>();
        chain.add(certificate);
        chain.add(self.certificate());
        return new Issued(keys, List.copyOf(chain));
      } catch (GeneralSecurityException | IOException e) {
        throw new IllegalStateException(e);
      }
    }
  }

  /** A new self-signed CA. */
  public static Ca newCa(String commonName) {
    try {
      KeyPair keys = generate(KeyType.EC);
      Instant now = Instant.now();
      X500Name name = new X500Name("CN=" + commonName);
      X509v3CertificateBuilder builder =
          new JcaX509v3CertificateBuilder(
              name,
              BigInteger.valueOf(SERIALS.incrementAndGet()),
              Date.from(now.minus(Duration.ofHours(1))),
              Date.from(now.plus(Duration.ofDays(2))),
              name,
              keys.getPublic());
      builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
      builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
      X509Certificate certificate = sign(builder, keys.getPrivate());
      return new Ca(new Issued(keys, List.of(certificate)));
    } catch (GeneralSecurityException | IOException e) {
      throw new IllegalStateException(e);
    }
  }

  private static X509Certificate sign(X509v3CertificateBuilder builder, PrivateKey issuerKey)
      throws GeneralSecurityException {
    try {
      String algorithm = issuerKey.getAlgorithm().equals("EC") ? "SHA256withECDSA" : "SHA256withRSA";
      ContentSigner signer = new JcaContentSignerBuilder(algorithm).build(issuerKey);
      return new JcaX509CertificateConverter().getCertificate(builder.build(signer));
    } catch (org.bouncycastle.operator.OperatorCreationException e) {
      throw new GeneralSecurityException(e);
    }
  }

  private static KeyPair generate(KeyType type) throws GeneralSecurityException {
    if (type == KeyType.EC) {
      KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
      generator.initialize(new ECGenParameterSpec("secp256r1"), new SecureRandom());
      return generator.generateKeyPair();
    }
    KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
    generator.initialize(2048, new SecureRandom());
    return generator.generateKeyPair();
  }

  /** PEM for certificates, one block each, in order. */
  public static String certificatesPem(List<X509Certificate> certificates) {
    StringBuilder pem = new StringBuilder();
    for (X509Certificate certificate : certificates) {
      try {
        pem.append(block("CERTIFICATE", certificate.getEncoded()));
      } catch (GeneralSecurityException e) {
        throw new IllegalStateException(e);
      }
    }
    return pem.toString();
  }

  /** PEM for a private key, PKCS#8 or the traditional RSA/EC form (BouncyCastle writes that). */
  public static String privateKeyPem(PrivateKey key, KeyFormat format) {
    if (format == KeyFormat.PKCS8) {
      return block("PRIVATE KEY", key.getEncoded());
    }
    if (key.getAlgorithm().equals("EC")) {
      // As OpenSSL writes it: SEC1 with the named curve in [0] (the JDK's PKCS#8 leaves it out).
      try {
        PrivateKeyInfo info = PrivateKeyInfo.getInstance(key.getEncoded());
        org.bouncycastle.asn1.sec.ECPrivateKey sec1 = org.bouncycastle.asn1.sec.ECPrivateKey.getInstance(info.parsePrivateKey());
        org.bouncycastle.asn1.sec.ECPrivateKey withCurve =
            new org.bouncycastle.asn1.sec.ECPrivateKey(
                256, sec1.getKey(), sec1.getPublicKey(), info.getPrivateKeyAlgorithm().getParameters());
        return block("EC PRIVATE KEY", withCurve.getEncoded());
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    StringWriter out = new StringWriter();
    try (JcaPEMWriter writer = new JcaPEMWriter(out)) {
      writer.writeObject(key);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toString();
  }

  private static String block(String label, byte[] der) {
    String body = Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der);
    return "-----BEGIN " + label + "-----\n" + body + "\n-----END " + label + "-----\n";
  }

  private static void write(Path file, String text) {
    try {
      Files.writeString(file, text, StandardCharsets.US_ASCII);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
