package dev.shuttle.http2.config;

import java.io.IOException;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.TrustManager;

/**
 * TLS for a server: its certificate and key, which TLS versions it speaks, and whether clients
 * must show a certificate. HTTP/2 runs over it with ALPN {@code h2}, on the JDK's own TLS.
 *
 * <pre>{@code
 * TlsServerConfig tls = TlsServerConfig.builder()
 *     .keyPem(Path.of("server.pem"), Path.of("server.key"))   // chain, leaf first; PKCS#8, RSA or EC key
 *     .trustPem(Path.of("clients-ca.pem"))                     // optional: for client certificates
 *     .clientAuth(TlsServerConfig.ClientAuth.REQUIRE)
 *     .build();
 * }</pre>
 *
 * <p>Material read from PEM files follows the files: a rotated certificate is picked up by the
 * connections that start after it changed (checked at most once a second), and a bad new file
 * leaves the previous material in place. Connections already open keep the certificate they
 * started with. Immutable and thread-safe.
 */
public final class TlsServerConfig {
  /** The default bound on a TLS handshake: a silent client is dropped after this. */
  public static final Duration DEFAULT_HANDSHAKE_TIMEOUT = Duration.ofSeconds(10);

  /** Whether a server asks clients for a certificate (mutual TLS). */
  public enum ClientAuth {
    /** No client certificate is requested. */
    NONE,
    /** A certificate is requested; a client without one is still served, one with a bad one is not. */
    OPTIONAL,
    /** A client without a certificate signed by a trusted CA is refused during the handshake. */
    REQUIRE
  }

  private final TlsMaterial material;
  private final ClientAuth clientAuth;
  private final Duration handshakeTimeout;

  private TlsServerConfig(TlsMaterial material, ClientAuth clientAuth, Duration handshakeTimeout) {
    this.material = material;
    this.clientAuth = clientAuth;
    this.handshakeTimeout = handshakeTimeout;
  }

  public static Builder builder() {
    return new Builder();
  }

  /** TLS with the certificate chain and private key in these PEM files, reloaded when they change. */
  public static TlsServerConfig fromPem(Path certificateChain, Path privateKey) throws IOException {
    return builder().keyPem(certificateChain, privateKey).build();
  }

  public ClientAuth clientAuth() {
    return clientAuth;
  }

  public Duration handshakeTimeout() {
    return handshakeTimeout;
  }

  /**
   * An engine for one accepted connection, from the material in force now (rotated files are
   * picked up here): TLS 1.3 and 1.2, HTTP/2's cipher suites, ALPN {@code h2}. The transport
   * calls it for every connection; a user has no need to.
   */
  public SSLEngine newEngine() {
    TlsMaterial.Snapshot snapshot = material.current();
    SSLEngine engine = snapshot.context().createSSLEngine();
    engine.setUseClientMode(false);
    SSLParameters parameters = snapshot.newParameters();
    switch (clientAuth) {
      case REQUIRE -> parameters.setNeedClientAuth(true);
      case OPTIONAL -> parameters.setWantClientAuth(true);
      case NONE -> {}
    }
    engine.setSSLParameters(parameters);
    return engine;
  }

  /** Configures a {@link TlsServerConfig}. */
  public static final class Builder {
    private TlsMaterial.Loader<KeyManager[]> keys;
    private TlsMaterial.Loader<TrustManager[]> trust;
    private final List<Path> keyFiles = new ArrayList<>();
    private final List<Path> trustFiles = new ArrayList<>();
    private ClientAuth clientAuth = ClientAuth.NONE;
    private List<String> protocols = TlsClientConfig.DEFAULT_PROTOCOLS;
    private Duration handshakeTimeout = DEFAULT_HANDSHAKE_TIMEOUT;

    private Builder() {}

    /**
     * The server's certificate chain (PEM, leaf first, intermediates after it) and its private
     * key (PEM: PKCS#8 {@code BEGIN PRIVATE KEY}, or {@code BEGIN RSA PRIVATE KEY} / {@code BEGIN
     * EC PRIVATE KEY}; not encrypted). Both files are watched for changes.
     */
    public Builder keyPem(Path certificateChain, Path privateKey) {
      this.keys = TlsMaterial.pemKeys(certificateChain, privateKey);
      keyFiles.clear();
      keyFiles.add(certificateChain);
      keyFiles.add(privateKey);
      return this;
    }

    /** The server's key and certificate chain from a loaded key store (not watched). */
    public Builder keyStore(KeyStore keyStore, char[] password) {
      this.keys = TlsMaterial.keyStoreKeys(keyStore, password);
      keyFiles.clear();
      return this;
    }

    /** The CAs that sign client certificates, from a PEM file (watched for changes). */
    public Builder trustPem(Path caCertificates) {
      this.trust = TlsMaterial.pemTrust(caCertificates);
      trustFiles.clear();
      trustFiles.add(caCertificates);
      return this;
    }

    /** The CAs that sign client certificates, from a loaded key store. */
    public Builder trustStore(KeyStore trustStore) {
      this.trust = TlsMaterial.keyStoreTrust(trustStore);
      trustFiles.clear();
      return this;
    }

    /** Whether clients must show a certificate; default {@link ClientAuth#NONE}. */
    public Builder clientAuth(ClientAuth clientAuth) {
      this.clientAuth = Objects.requireNonNull(clientAuth, "clientAuth");
      return this;
    }

    /** The TLS versions offered, from {@code "TLSv1.3"} and {@code "TLSv1.2"}; default both. */
    public Builder protocols(String... protocols) {
      this.protocols = TlsClientConfig.checkProtocols(protocols);
      return this;
    }

    /** How long a client has to complete its handshake; default 10 seconds. */
    public Builder handshakeTimeout(Duration timeout) {
      this.handshakeTimeout = TlsClientConfig.checkTimeout(timeout);
      return this;
    }

    /**
     * Reads the keys and certificates now.
     *
     * @throws IOException when a file cannot be read or parsed, or the key does not match the
     *     certificate
     * @throws IllegalStateException without a key, or with client authentication but no CA
     */
    public TlsServerConfig build() throws IOException {
      if (keys == null) {
        throw new IllegalStateException("a TLS server needs a certificate and key: call keyPem or keyStore");
      }
      if (clientAuth != ClientAuth.NONE && trust == null) {
        throw new IllegalStateException("client authentication needs the CAs that sign client certificates: call trustPem or trustStore");
      }
      List<Path> files = new ArrayList<>(keyFiles);
      files.addAll(trustFiles);
      return new TlsServerConfig(new TlsMaterial(keys, trust, files, protocols), clientAuth, handshakeTimeout);
    }
  }
}
