"""The Echo test service on Python grpcio, without reflection: the CLI reaches it with the
descriptors grpc_tools.protoc wrote next to these stubs. Prints "listening PORT" when ready."""
import sys
from concurrent import futures

import grpc

from shuttle.cli.test import echo_pb2
from shuttle.cli.test import echo_pb2_grpc


class Echo(echo_pb2_grpc.EchoServicer):
    def Say(self, request, context):
        headers = dict(context.invocation_metadata())
        response = echo_pb2.EchoResponse(text=request.text)
        for name in request.echo_headers:
            if name in headers:
                response.headers[name] = headers[name]
        return response

    def Repeat(self, request, context):
        for i in range(1, request.times + 1):
            yield echo_pb2.EchoResponse(text=request.text, index=i)

    def Chat(self, requests, context):
        for i, request in enumerate(requests, start=1):
            yield echo_pb2.EchoResponse(text=request.text.upper(), index=i)


def main():
    server = grpc.server(futures.ThreadPoolExecutor(max_workers=4))
    echo_pb2_grpc.add_EchoServicer_to_server(Echo(), server)
    port = server.add_insecure_port("127.0.0.1:0")
    server.start()
    print("listening %d" % port, flush=True)
    # Ends when the test closes our stdin (or kills us).
    sys.stdin.read()
    server.stop(0)


if __name__ == "__main__":
    main()
