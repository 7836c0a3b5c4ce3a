package dev.shuttle.interop;

/**
 * Where an interop client connects: a host and port, plaintext or TLS. Over TLS the server
 * presents gRPC's server1.pem, and the client trusts {@code certs.ca()} and checks the name
 * {@link GrpcTestCertificates#SERVER_NAME}, as gRPC's interop programs do with
 * {@code --use_test_ca=true --server_host_override=foo.test.google.fr}.
 *
 * @param certs the test certificates when the server speaks TLS, null for plaintext
 */
record InteropTarget(String host, int port, GrpcTestCertificates certs) {
  static InteropTarget plaintext(String host, int port) {
    return new InteropTarget(host, port, null);
  }

  static InteropTarget tls(String host, int port, GrpcTestCertificates certs) {
    return new InteropTarget(host, port, certs);
  }

  boolean usesTls() {
    return certs != null;
  }

  @Override
  public String toString() {
    return host + ":" + port + (usesTls() ? " (TLS)" : "");
  }
}
