package dev.shuttle.interop;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * grpc-java's interop test certificates (shipped in io.grpc:grpc-testing under certs/), copied
 * to files: server1.pem/server1.key (for *.test.google.fr), client.pem/client.key, and ca.pem,
 * which signed both.
 */
record GrpcTestCertificates(Path dir) {
  /** The name server1.pem carries; clients check it instead of 127.0.0.1. */
  static final String SERVER_NAME = "foo.test.google.fr";

  static GrpcTestCertificates copyTo(Path dir) throws IOException {
    for (String name : new String[] {"server1.pem", "server1.key", "client.pem", "client.key", "ca.pem"}) {
      try (InputStream in = GrpcTestCertificates.class.getResourceAsStream("/certs/" + name)) {
        if (in == null) {
          throw new IOException("certs/" + name + " is not on the test class path (io.grpc:grpc-testing)");
        }
        Files.copy(in, dir.resolve(name), StandardCopyOption.REPLACE_EXISTING);
      }
    }
    return new GrpcTestCertificates(dir);
  }

  Path serverCert() {
    return dir.resolve("server1.pem");
  }

  Path serverKey() {
    return dir.resolve("server1.key");
  }

  Path clientCert() {
    return dir.resolve("client.pem");
  }

  Path clientKey() {
    return dir.resolve("client.key");
  }

  Path ca() {
    return dir.resolve("ca.pem");
  }
}
