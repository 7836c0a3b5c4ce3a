package dev.shuttle.http2.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.shuttle.http2.TestPki;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.RSAPrivateKey;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class PemTest {
  private static final TestPki.Ca CA = TestPki.newCa("pem-test-ca");

  @ParameterizedTest
  @CsvSource({"EC, PKCS8", "EC, TRADITIONAL", "RSA, PKCS8", "RSA, TRADITIONAL"})
  void readsPrivateKeysInPkcs8AndTraditionalForms(TestPki.KeyType type, TestPki.KeyFormat format) throws Exception {
    TestPki.Issued issued = CA.issue("key-" + type + "-" + format, type, true, "localhost");
    String pem = TestPki.privateKeyPem(issued.privateKey(), format);
    String label = format == TestPki.KeyFormat.PKCS8 ? "BEGIN PRIVATE KEY" : "BEGIN " + type + " PRIVATE KEY";
    assertTrue(pem.contains(label), pem);

    PrivateKey key = Pem.parsePrivateKey(pem.getBytes(StandardCharsets.US_ASCII));

    assertEquals(type.name(), key.getAlgorithm());
    if (key instanceof ECPrivateKey ec) {
      assertEquals(((ECPrivateKey) issued.privateKey()).getS(), ec.getS());
    } else {
      assertEquals(((RSAPrivateKey) issued.privateKey()).getPrivateExponent(), ((RSAPrivateKey) key).getPrivateExponent());
    }
    Pem.checkKeyMatches(key, issued.certificate());
  }

  @Test
  void readsACertificateChainInFileOrderSkippingTextBetweenBlocks() throws Exception {
    TestPki.Issued issued = CA.server("chain", "localhost");
    String pem = "subject=CN=chain\n" + TestPki.certificatesPem(issued.chain()).replace("-----\n-----BEGIN", "-----\nBag Attributes\n-----BEGIN");

    List<X509Certificate> chain = Pem.parseCertificates(pem.getBytes(StandardCharsets.US_ASCII));

    assertEquals(issued.chain(), chain);
  }

  @Test
  void refusesAKeyThatIsNotTheCertificates() throws Exception {
    TestPki.Issued one = CA.server("one", "localhost");
    TestPki.Issued other = CA.server("other", "localhost");
    TestPki.Issued rsa = CA.issue("rsa", TestPki.KeyType.RSA, true, "localhost");
    TestPki.Issued otherRsa = CA.issue("other-rsa", TestPki.KeyType.RSA, true, "localhost");

    assertThrows(GeneralSecurityException.class, () -> Pem.checkKeyMatches(other.privateKey(), one.certificate()));
    assertThrows(GeneralSecurityException.class, () -> Pem.checkKeyMatches(otherRsa.privateKey(), rsa.certificate()));
    assertThrows(GeneralSecurityException.class, () -> Pem.checkKeyMatches(rsa.privateKey(), one.certificate()));
  }

  @Test
  void refusesEncryptedKeysSayingHowToDecryptThem() {
    String pkcs8 = "-----BEGIN ENCRYPTED PRIVATE KEY-----\nMIIB\n-----END ENCRYPTED PRIVATE KEY-----\n";
    String legacy = "-----BEGIN RSA PRIVATE KEY-----\nProc-Type: 4,ENCRYPTED\nDEK-Info: AES-128-CBC,00\n\nMIIB\n-----END RSA PRIVATE KEY-----\n";

    for (String pem : List.of(pkcs8, legacy)) {
      GeneralSecurityException e =
          assertThrows(GeneralSecurityException.class, () -> Pem.parsePrivateKey(pem.getBytes(StandardCharsets.US_ASCII)));
      assertTrue(e.getMessage().contains("encrypted") && e.getMessage().contains("openssl pkcs8"), e.getMessage());
    }
  }

  @Test
  void refusesAFileWithoutAKey() {
    byte[] certificateOnly = TestPki.certificatesPem(List.of(CA.certificate())).getBytes(StandardCharsets.US_ASCII);

    GeneralSecurityException e = assertThrows(GeneralSecurityException.class, () -> Pem.parsePrivateKey(certificateOnly));
    assertTrue(e.getMessage().contains("no BEGIN PRIVATE KEY"), e.getMessage());
  }
}
