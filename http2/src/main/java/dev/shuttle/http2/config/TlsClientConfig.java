package dev.shuttle.http2.config;

import java.io.IOException;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.TrustManager;

/**
 * TLS for a client: which CAs it trusts, an optional client certificate (mutual TLS), and the
 * name the server's certificate must carry. HTTP/2 runs over it with ALPN {@code h2}, on the
 * JDK's own TLS.
 *
 * <pre>{@code
 * TlsClientConfig tls = TlsClientConfig.builder()
 *     .trustPem(Path.of("ca.pem"))                            // default: the JDK's trusted CAs
 *     .keyPem(Path.of("client.pem"), Path.of("client.key"))   // optional: a client certificate
 *     .build();
 * }</pre>
 *
 * <p>The server's certificate is checked against the CAs and against the host the client
 * connects to (HTTPS endpoint identification, RFC 2818: DNS names and IP addresses in its
 * subject alternative names), or against {@link Builder#serverName} when one is set. Material
 * read from PEM files follows the files, as for {@link TlsServerConfig}. Immutable and
 * thread-safe.
 */
public final class TlsClientConfig {
  static final List<String> DEFAULT_PROTOCOLS = List.of("TLSv1.3", "TLSv1.2");

  private final TlsMaterial material;
  private final String serverName;
  private final Duration handshakeTimeout;

  private TlsClientConfig(TlsMaterial material, String serverName, Duration handshakeTimeout) {
    this.material = material;
    this.serverName = serverName;
    this.handshakeTimeout = handshakeTimeout;
  }

  public static Builder builder() {
    return new Builder();
  }

  /** TLS trusting the JDK's default CAs, with no client certificate. */
  public static TlsClientConfig systemDefault() {
    try {
      return builder().build();
    } catch (IOException e) {
      throw new IllegalStateException("the JDK's default TLS setup does not load: " + e.getMessage(), e);
    }
  }

  /** TLS trusting only the CA certificates in this PEM file, with no client certificate. */
  public static TlsClientConfig trusting(Path caCertificates) throws IOException {
    return builder().trustPem(caCertificates).build();
  }

  /** The name the server's certificate is checked against, or null for the target host. */
  public String serverName() {
    return serverName;
  }

  public Duration handshakeTimeout() {
    return handshakeTimeout;
  }

  /**
   * An engine for one connection to {@code host}, from the material in force now, checking the
   * server's certificate against the server name. The transport calls it for every connection;
   * a user has no need to.
   */
  public SSLEngine newEngine(String host, int port) {
    TlsMaterial.Snapshot snapshot = material.current();
    String name = serverName != null ? serverName : host;
    SSLEngine engine = snapshot.context().createSSLEngine(name, port);
    engine.setUseClientMode(true);
    SSLParameters parameters = snapshot.newParameters();
    parameters.setEndpointIdentificationAlgorithm("HTTPS");
    if (isHostName(name)) {
      parameters.setServerNames(List.of(new SNIHostName(name)));
    }
    engine.setSSLParameters(parameters);
    return engine;
  }

  /** SNI carries host names only, never IP literals (RFC 6066, 3). */
  private static boolean isHostName(String name) {
    if (name.indexOf(':') >= 0 || name.endsWith(".")) {
      return false;
    }
    if (name.chars().allMatch(c -> c == '.' || (c >= '0' && c <= '9'))) {
      return false;
    }
    try {
      new SNIHostName(name);
      return true;
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  static List<String> checkProtocols(String... protocols) {
    if (protocols.length == 0) {
      throw new IllegalArgumentException("at least one TLS version");
    }
    for (String protocol : protocols) {
      if (!DEFAULT_PROTOCOLS.contains(protocol)) {
        throw new IllegalArgumentException("HTTP/2 runs on TLSv1.3 or TLSv1.2, not " + protocol);
      }
    }
    return List.of(protocols);
  }

  static Duration checkTimeout(Duration timeout) {
    if (timeout.isNegative() || timeout.isZero()) {
      throw new IllegalArgumentException("the handshake timeout must be positive");
    }
    return timeout;
  }

  /** Configures a {@link TlsClientConfig}. */
  public static final class Builder {
    private TlsMaterial.Loader<KeyManager[]> keys;
    private TlsMaterial.Loader<TrustManager[]> trust;
    private final List<Path> keyFiles = new ArrayList<>();
    private final List<Path> trustFiles = new ArrayList<>();
    private String serverName;
    private List<String> protocols = DEFAULT_PROTOCOLS;
    private Duration handshakeTimeout = TlsServerConfig.DEFAULT_HANDSHAKE_TIMEOUT;

    private Builder() {}

    /** Trust only the CA certificates in this PEM file (watched for changes). */
    public Builder trustPem(Path caCertificates) {
      this.trust = TlsMaterial.pemTrust(caCertificates);
      trustFiles.clear();
      trustFiles.add(caCertificates);
      return this;
    }

    /** Trust the CAs in this loaded key store. */
    public Builder trustStore(KeyStore trustStore) {
      this.trust = TlsMaterial.keyStoreTrust(trustStore);
      trustFiles.clear();
      return this;
    }

    /**
     * A client certificate chain and its private key, for servers that ask for one; the same PEM
     * forms as {@link TlsServerConfig.Builder#keyPem}.
     */
    public Builder keyPem(Path certificateChain, Path privateKey) {
      this.keys = TlsMaterial.pemKeys(certificateChain, privateKey);
      keyFiles.clear();
      keyFiles.add(certificateChain);
      keyFiles.add(privateKey);
      return this;
    }

    /** A client certificate and key from a loaded key store. */
    public Builder keyStore(KeyStore keyStore, char[] password) {
      this.keys = TlsMaterial.keyStoreKeys(keyStore, password);
      keyFiles.clear();
      return this;
    }

    /**
     * Checks the server's certificate against this name, and sends it as SNI, instead of the
     * target's host: for tests with certificates made for another name, or an address reached
     * by IP whose certificate names a host.
     */
    public Builder serverName(String serverName) {
      this.serverName = Objects.requireNonNull(serverName, "serverName");
      return this;
    }

    /** The TLS versions offered, from {@code "TLSv1.3"} and {@code "TLSv1.2"}; default both. */
    public Builder protocols(String... protocols) {
      this.protocols = checkProtocols(protocols);
      return this;
    }

    /** How long the handshake may take; default 10 seconds. */
    public Builder handshakeTimeout(Duration timeout) {
      this.handshakeTimeout = checkTimeout(timeout);
      return this;
    }

    /**
     * Reads the keys and certificates now.
     *
     * @throws IOException when a file cannot be read or parsed, or a key does not match its
     *     certificate
     */
    public TlsClientConfig build() throws IOException {
      List<Path> files = new ArrayList<>(keyFiles);
      files.addAll(trustFiles);
      return new TlsClientConfig(new TlsMaterial(keys, trust, files, protocols), serverName, handshakeTimeout);
    }
  }
}
