package dev.shuttle.http2.config;

import dev.shuttle.http2.LazyLogger;
import java.io.IOException;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.locks.ReentrantLock;
import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedKeyManager;

/**
 * The keys and trusted CAs of one side of TLS, as an {@link SSLContext} that follows its files.
 *
 * <p>Material read from files is checked again when a connection starts, at most once a second
 * and only by modification time and size; when a file has changed, everything is read again and
 * the new context serves the connections that start from then on. A new file that does not load
 * (half-written, or a key that does not match its certificate) keeps the previous material, logs
 * one line, and is tried again when it changes next.
 */
final class TlsMaterial {
  private static final System.Logger LOG = LazyLogger.of(TlsMaterial.class);
  private static final long CHECK_INTERVAL_NANOS = 1_000_000_000L;

  /** Loads key managers or trust managers, from files or from memory. */
  interface Loader<T> {
    T load() throws IOException, GeneralSecurityException;
  }

  private final Loader<KeyManager[]> keys;
  private final Loader<TrustManager[]> trust;
  private final List<Path> files;
  private final List<String> protocols;
  private final ReentrantLock checking = new ReentrantLock();
  private volatile Snapshot current;

  /** A context, the protocols and suites its engines enable, and the files it was read from. */
  record Snapshot(SSLContext context, String[] protocols, String[] cipherSuites, List<Stamp> stamps, long checkedAt) {
    /** Fresh parameters for one engine: TLS 1.2/1.3 as configured, HTTP/2's suites, ALPN h2. */
    SSLParameters newParameters() {
      SSLParameters parameters = new SSLParameters(cipherSuites, protocols);
      parameters.setApplicationProtocols(new String[] {"h2"}); // HTTP/2 over TLS, RFC 9113 3.2
      parameters.setUseCipherSuitesOrder(true);
      return parameters;
    }

    Snapshot checked(List<Stamp> newStamps, long now) {
      return new Snapshot(context, protocols, cipherSuites, newStamps, now);
    }
  }

  /**
   * What is cheap to check about a file: its modification time, size and identity (a rotation
   * by rename or symlink swap, as Kubernetes does for secrets, shows as another file key).
   */
  record Stamp(FileTime modified, long size, Object fileKey) {
    static Stamp of(Path file) {
      try {
        BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class);
        return new Stamp(attributes.lastModifiedTime(), attributes.size(), attributes.fileKey());
      } catch (IOException e) {
        return new Stamp(null, -1, null); // gone for now: a change, and loading will say why
      }
    }
  }

  /**
   * @param keys our certificate and key, or null for none (a client without a certificate)
   * @param trust the CAs we trust, or null for the JDK's default trust store
   * @param files the files both read, watched for changes
   */
  TlsMaterial(Loader<KeyManager[]> keys, Loader<TrustManager[]> trust, List<Path> files, List<String> protocols)
      throws IOException {
    this.keys = keys;
    this.trust = trust;
    this.files = List.copyOf(files);
    this.protocols = List.copyOf(protocols);
    List<Stamp> stamps = stamps();
    try {
      this.current = load(stamps, System.nanoTime());
    } catch (GeneralSecurityException e) {
      throw new IOException("cannot load TLS material: " + e.getMessage(), e);
    }
  }

  /** The context for a connection starting now; re-reads changed files first. */
  Snapshot current() {
    Snapshot snapshot = current;
    if (files.isEmpty()) {
      return snapshot;
    }
    long now = System.nanoTime();
    if (now - snapshot.checkedAt() < CHECK_INTERVAL_NANOS || !checking.tryLock()) {
      return snapshot; // checked recently, or another connection is checking right now
    }
    try {
      snapshot = current;
      if (now - snapshot.checkedAt() < CHECK_INTERVAL_NANOS) {
        return snapshot;
      }
      List<Stamp> stamps = stamps();
      if (stamps.equals(snapshot.stamps())) {
        current = snapshot.checked(stamps, now);
      } else {
        try {
          current = load(stamps, now);
          LOG.log(System.Logger.Level.INFO, "TLS: reloaded {0}", files);
        } catch (IOException | GeneralSecurityException | RuntimeException e) {
          // Remember the stamps: the same bad files are not read (nor logged) again until they change.
          current = snapshot.checked(stamps, now);
          LOG.log(System.Logger.Level.WARNING, "TLS: keeping the previous material; cannot load {0}: {1}", files, e.getMessage());
        }
      }
      return current;
    } finally {
      checking.unlock();
    }
  }

  private List<Stamp> stamps() {
    List<Stamp> stamps = new ArrayList<>(files.size());
    for (Path file : files) {
      stamps.add(Stamp.of(file));
    }
    return stamps;
  }

  private Snapshot load(List<Stamp> stamps, long now) throws IOException, GeneralSecurityException {
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(keys == null ? null : keys.load(), trust == null ? null : trust.load(), null);
    List<String> supported = List.of(context.getSupportedSSLParameters().getProtocols());
    List<String> enabled = new ArrayList<>();
    for (String protocol : protocols) {
      if (supported.contains(protocol)) {
        enabled.add(protocol);
      }
    }
    if (enabled.isEmpty()) {
      throw new GeneralSecurityException("none of " + protocols + " is supported by this JDK");
    }
    String[] suites = http2CipherSuites(context.getDefaultSSLParameters().getCipherSuites());
    return new Snapshot(context, enabled.toArray(String[]::new), suites, stamps, now);
  }

  /**
   * The JDK's enabled suites less those HTTP/2 forbids over TLS 1.2 (RFC 9113, 9.2.2 and
   * Appendix A): what stays is TLS 1.3's suites and ephemeral key exchange with an AEAD cipher.
   * AES-128-GCM goes ahead of the JDK's first choice, AES-256-GCM: both are what TLS 1.3 requires
   * and 128-bit keys are far beyond reach, and AES-128 takes 10 rounds to AES-256's 14, so a
   * connection's encryption costs less. OpenSSL, BoringSSL and Go order them the same way. Which
   * suite a connection uses is ours to pick as the server (we honour our own order).
   */
  static String[] http2CipherSuites(String[] enabled) {
    List<String> kept = new ArrayList<>();
    for (String suite : enabled) {
      boolean tls13 = suite.startsWith("TLS_AES_") || suite.startsWith("TLS_CHACHA20_");
      boolean ephemeral = suite.startsWith("TLS_ECDHE_") || suite.startsWith("TLS_DHE_");
      boolean aead = suite.contains("_GCM_") || suite.contains("_CHACHA20_POLY1305_");
      if (tls13 || (ephemeral && aead)) {
        kept.add(suite);
      }
    }
    // Stable: otherwise the JDK's order stands (ECDSA before RSA, ECDHE before DHE).
    kept.sort(java.util.Comparator.comparingInt(suite -> suite.contains("AES_128_GCM") ? 0 : 1));
    return kept.toArray(String[]::new);
  }

  // ---------------------------------------------------------------------------------------------
  // Loaders.

  /** A certificate chain and its private key from PEM files. */
  static Loader<KeyManager[]> pemKeys(Path certificateChain, Path privateKey) {
    Objects.requireNonNull(certificateChain, "certificateChain");
    Objects.requireNonNull(privateKey, "privateKey");
    return () -> {
      List<X509Certificate> chain = Pem.readCertificates(certificateChain);
      PrivateKey key = Pem.readPrivateKey(privateKey);
      Pem.checkKeyMatches(key, chain.get(0));
      return new KeyManager[] {new SingleKeyManager(key, chain.toArray(X509Certificate[]::new))};
    };
  }

  /**
   * One key and its chain, offered whenever the key's type fits, whatever CAs the peer lists:
   * as OpenSSL-based peers do. The JDK's own key manager would rather send no client
   * certificate at all than one the server did not name, and the server's refusal would then
   * say "empty certificate chain" where the user gave a certificate.
   */
  static final class SingleKeyManager extends X509ExtendedKeyManager {
    private static final String ALIAS = "key";
    private final PrivateKey key;
    private final X509Certificate[] chain;

    SingleKeyManager(PrivateKey key, X509Certificate[] chain) {
      this.key = key;
      this.chain = chain.clone();
    }

    private boolean fits(String keyType) {
      return keyType != null && (keyType.equals(key.getAlgorithm()) || keyType.startsWith(key.getAlgorithm() + "_"));
    }

    private String choose(String... keyTypes) {
      if (keyTypes != null) {
        for (String keyType : keyTypes) {
          if (fits(keyType)) {
            return ALIAS;
          }
        }
      }
      return null;
    }

    @Override
    public String[] getClientAliases(String keyType, Principal[] issuers) {
      return fits(keyType) ? new String[] {ALIAS} : null;
    }

    @Override
    public String chooseClientAlias(String[] keyTypes, Principal[] issuers, Socket socket) {
      return choose(keyTypes);
    }

    @Override
    public String chooseEngineClientAlias(String[] keyTypes, Principal[] issuers, SSLEngine engine) {
      return choose(keyTypes);
    }

    @Override
    public String[] getServerAliases(String keyType, Principal[] issuers) {
      return fits(keyType) ? new String[] {ALIAS} : null;
    }

    @Override
    public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
      return choose(keyType);
    }

    @Override
    public String chooseEngineServerAlias(String keyType, Principal[] issuers, SSLEngine engine) {
      return choose(keyType);
    }

    @Override
    public X509Certificate[] getCertificateChain(String alias) {
      return ALIAS.equals(alias) ? chain.clone() : null;
    }

    @Override
    public PrivateKey getPrivateKey(String alias) {
      return ALIAS.equals(alias) ? key : null;
    }
  }

  static Loader<KeyManager[]> keyStoreKeys(KeyStore store, char[] password) {
    Objects.requireNonNull(store, "keyStore");
    char[] copy = password == null ? new char[0] : password.clone();
    return () -> keyManagers(store, copy);
  }

  private static KeyManager[] keyManagers(KeyStore store, char[] password) throws GeneralSecurityException {
    KeyManagerFactory factory = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    factory.init(store, password);
    return factory.getKeyManagers();
  }

  /** Trusted CA certificates from a PEM file. */
  static Loader<TrustManager[]> pemTrust(Path caCertificates) {
    Objects.requireNonNull(caCertificates, "caCertificates");
    return () -> {
      KeyStore store = KeyStore.getInstance("PKCS12");
      store.load(null, null);
      int i = 0;
      for (X509Certificate certificate : Pem.readCertificates(caCertificates)) {
        store.setCertificateEntry("ca-" + i++, certificate);
      }
      return trustManagers(store);
    };
  }

  static Loader<TrustManager[]> keyStoreTrust(KeyStore store) {
    Objects.requireNonNull(store, "trustStore");
    return () -> trustManagers(store);
  }

  private static TrustManager[] trustManagers(KeyStore store) throws GeneralSecurityException {
    TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    factory.init(store);
    return factory.getTrustManagers();
  }
}
