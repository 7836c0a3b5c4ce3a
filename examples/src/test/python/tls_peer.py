"""The seed's TestServer and client over TLS, with Python grpcio, for Shuttle's TLS tests.

Not part of the seed: the seed's own scripts (seed_server.py, seed_client.py) are cleartext and
stay verbatim. This one adds TLS credentials and a raw-bytes echo
(/shuttle.interop.test.PayloadEcho/Echo, no serializers) so that large messages cross both ways.

  tls_peer.py server PORT CERT KEY [CLIENT_CA]   serve; prints "listening" when ready
  tls_peer.py client HOST:PORT CA SERVER_NAME [CERT KEY] [SIZE...]
                                                 GetRandom(id="123"), then echo SIZE bytes each
"""
import os
import sys
import time
from concurrent import futures

import grpc

import test_pb2
import test_pb2_grpc

ECHO_SERVICE = "shuttle.interop.test.PayloadEcho"
LIMIT = 16 * 1024 * 1024
OPTIONS = [("grpc.max_receive_message_length", LIMIT), ("grpc.max_send_message_length", LIMIT)]


def read(path):
    with open(path, "rb") as f:
        return f.read()


class Work(test_pb2_grpc.TestServerServicer):
    def GetRandom(self, request, context):
        return test_pb2.Response(random=15)


def serve(port, cert, key, client_ca=None):
    server = grpc.server(futures.ThreadPoolExecutor(max_workers=10), options=OPTIONS)
    test_pb2_grpc.add_TestServerServicer_to_server(Work(), server)
    echo = grpc.unary_unary_rpc_method_handler(lambda request, context: request)
    server.add_generic_rpc_handlers((grpc.method_handlers_generic_handler(ECHO_SERVICE, {"Echo": echo}),))
    credentials = grpc.ssl_server_credentials(
        [(read(key), read(cert))],
        root_certificates=read(client_ca) if client_ca else None,
        require_client_auth=client_ca is not None,
    )
    server.add_secure_port("127.0.0.1:%d" % port, credentials)
    server.start()
    print("listening on 127.0.0.1:%d" % port, flush=True)
    try:
        while True:
            time.sleep(60)
    except KeyboardInterrupt:
        server.stop(0)


def call(address, ca, server_name, cert=None, key=None, sizes=()):
    credentials = grpc.ssl_channel_credentials(
        root_certificates=read(ca),
        private_key=read(key) if key else None,
        certificate_chain=read(cert) if cert else None,
    )
    options = OPTIONS + [("grpc.ssl_target_name_override", server_name)]
    with grpc.secure_channel(address, credentials, options=options) as channel:
        stub = test_pb2_grpc.TestServerStub(channel)
        response = stub.GetRandom(test_pb2.Request(id="123"), timeout=30)
        print(response)
        print(response.random, flush=True)
        echo = channel.unary_unary("/%s/Echo" % ECHO_SERVICE)
        for size in sizes:
            payload = os.urandom(size)
            answer = echo(payload, timeout=60)
            if answer != payload:
                print("echo of %d bytes came back as %d different bytes" % (size, len(answer)), flush=True)
                return 2
            print("echo ok %d" % size, flush=True)
    return 0


if __name__ == "__main__":
    if sys.argv[1] == "server":
        serve(int(sys.argv[2]), sys.argv[3], sys.argv[4], sys.argv[5] if len(sys.argv) > 5 else None)
    else:
        address, ca, name = sys.argv[2], sys.argv[3], sys.argv[4]
        rest = sys.argv[5:]
        cert = key = None
        if len(rest) >= 2 and not rest[0].isdigit():
            cert, key, rest = rest[0], rest[1], rest[2:]
        try:
            sys.exit(call(address, ca, name, cert, key, [int(s) for s in rest]))
        except grpc.RpcError as e:
            print("%s: %s" % (e.code().name, e.details()), file=sys.stderr, flush=True)
            sys.exit(1)
