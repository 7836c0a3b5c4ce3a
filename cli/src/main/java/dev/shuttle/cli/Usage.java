package dev.shuttle.cli;

/** The help texts: the tool's, and each command's. */
final class Usage {
  private static final String CONNECTION_FLAGS =
      """
      Connection:
        --tls                 TLS (ALPN h2), trusting the JDK's CAs; implied by the flags below
        --cacert FILE         trust the CAs in this PEM file instead
        --cert FILE --key FILE  present this client certificate and PKCS#8/RSA/EC key (mTLS)
        --servername NAME     the name the server's certificate must carry (default: HOST)
        --authority NAME      the :authority sent (default HOST:PORT)
        -H, --header 'KEY: VALUE'  a request header, on every RPC the command makes (repeatable;
                              a KEY ending in -bin takes base64)
        --deadline DURATION   the whole command's deadline: 5s, 250ms, 1m30s, 1.5s
      """;

  private static final String DESCRIPTOR_FLAGS =
      """
      Descriptors (default: the server's reflection, grpc.reflection.v1, else v1alpha):
        --protoset FILE       a FileDescriptorSet, from protoc --descriptor_set_out=FILE --include_imports
                              (repeatable); reflection is then not asked
        --proto FILE          a .proto file, compiled now by $SHUTTLE_PROTOC, protoc on the PATH or
                              python3 -m grpc_tools.protoc (repeatable)
        -I, --import-path DIR where --proto's imports are found (repeatable; default: each file's directory)
      """;

  static final String TOOL =
      """
      usage: shuttle COMMAND HOST:PORT ... [FLAGS]

      A command-line client for any gRPC server.

      Commands:
        list HOST:PORT [SERVICE]          the server's services, or a service's methods
        describe HOST:PORT [SYMBOL]       a service, method, message or enum, as .proto text
        call HOST:PORT SERVICE/METHOD     call a method: JSON requests in, JSON responses out
        health HOST:PORT [SERVICE]        grpc.health.v1 Check, with grpc_health_probe's exit codes

      `shuttle COMMAND --help` tells more about each. Cleartext HTTP/2 unless a TLS flag is given.

      Exit status (list, describe, call): 0 success; 1 the RPC failed (its status code and message on
      stderr); 2 bad command line or input (flags, files, JSON); 3 no descriptor for the service,
      method or symbol (unknown to the server, or the server has no reflection: use --protoset).
      health has grpc_health_probe's: 0 SERVING, 1 invalid arguments, 2 connection failure,
      3 RPC failure, 4 not SERVING.
      """;

  static final String LIST =
      """
      usage: shuttle list HOST:PORT [SERVICE] [FLAGS]

      Without SERVICE, the full names of the server's services, one a line; with it, the full names
      of its methods (package.Service.Method), one a line.

      """ + CONNECTION_FLAGS + "\n" + DESCRIPTOR_FLAGS;

  static final String DESCRIBE =
      """
      usage: shuttle describe HOST:PORT [SYMBOL] [FLAGS]

      Prints SYMBOL (the full name of a service, method, message, field, enum or enum value) as
      .proto text, after a comment saying what it is and which file declares it. Without SYMBOL,
      every service.

      """ + CONNECTION_FLAGS + "\n" + DESCRIPTOR_FLAGS;

  static final String CALL =
      """
      usage: shuttle call HOST:PORT SERVICE/METHOD [-d JSON|@FILE|-] [FLAGS]

      Calls METHOD (also written SERVICE.METHOD) with requests in JSON (proto3's JSON mapping) and
      prints each response as one line of JSON on stdout, as it arrives.

        -d, --data JSON|@FILE|-  the request(s): JSON text, a file, or - for stdin. Several requests
                              for a client- or bidi-streaming method: JSON objects one after the
                              other (JSON lines). Without -d, a unary or server-streaming method
                              sends {} and a streaming one reads stdin, sending each request as
                              soon as its object is complete.
        -v, --verbose         also print the response headers and trailers, on stderr

      A failed call prints "shuttle: CODE: message" on stderr and exits 1.

      """ + CONNECTION_FLAGS + "\n" + DESCRIPTOR_FLAGS;

  static final String HEALTH =
      """
      usage: shuttle health HOST:PORT [SERVICE] [FLAGS]

      Asks grpc.health.v1.Health/Check about SERVICE (default "", the whole server) and prints the
      status. Exit status, as grpc_health_probe's: 0 SERVING; 1 invalid arguments; 2 connection
      failure (refused, unreachable, TLS handshake); 3 RPC failure (NOT_FOUND for a service the
      server does not know, UNIMPLEMENTED without a health service, DEADLINE_EXCEEDED...);
      4 answered, but not SERVING. The default deadline is 10s.

      """ + CONNECTION_FLAGS;

  private Usage() {}
}
