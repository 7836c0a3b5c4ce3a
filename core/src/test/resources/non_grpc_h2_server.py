"""An HTTP/2 (h2c, prior knowledge) server that is not a gRPC server, for Shuttle's client tests.

Run with a Python that has the `h2` package (Debian: python3-h2). It listens on 127.0.0.1, port 0,
prints the port on its first stdout line, and exits when its stdin closes, so that it never
outlives the test that started it.

What it answers depends on the method name, the last segment of :path, read once the request
has ended:
  StatusNNN       :status NNN, content-type text/html, an HTML body
  StatusNNNEmpty  :status NNN and END_STREAM, nothing else
  Html200         :status 200, content-type text/html, an HTML body
  GrpcOk          a proper gRPC response: message "pong", grpc-status 0
  CloseMidCall    gRPC response headers and part of a message, then the TCP connection closes
  CloseAtOnce     the TCP connection closes without any response
  HugeMessage     gRPC headers and a message prefix announcing 4 MiB + 1 bytes, a little of
                  the body, then nothing (the stream stays open)
"""

import os
import socket
import struct
import sys
import threading

import h2.config
import h2.connection
import h2.events
import h2.exceptions


def grpc_frame(payload):
    return b"\x00" + struct.pack(">I", len(payload)) + payload


# gRPC responses broken in one way each: (extra headers, DATA, trailers or None for END_STREAM on DATA).
MALFORMED_GRPC = {
    "BadGrpcStatus": ([], grpc_frame(b"pong"), [("grpc-status", "abc")]),
    "MissingGrpcStatus": ([], grpc_frame(b"pong"), [("grpc-message", "no status here")]),
    "NoTrailers": ([], grpc_frame(b"pong"), None),
    "TruncatedMessage": ([], b"\x00" + struct.pack(">I", 10) + b"pong", [("grpc-status", "0")]),
    "InvalidFlag": ([], b"\x02" + struct.pack(">I", 4) + b"pong", [("grpc-status", "0")]),
    "CompressedWithoutEncoding": ([], b"\x01" + struct.pack(">I", 4) + b"pong", [("grpc-status", "0")]),
    "UnknownEncoding": ([("grpc-encoding", "snappy")], b"\x01" + struct.pack(">I", 4) + b"pong", [("grpc-status", "0")]),
    "CorruptGzip": ([("grpc-encoding", "gzip")], b"\x01" + struct.pack(">I", 4) + b"pong", [("grpc-status", "0")]),
    "TwoMessagesForUnary": ([], grpc_frame(b"pong") + grpc_frame(b"pong"), [("grpc-status", "0")]),
}


def respond(conn, stream_id, method):
    """Queues the answer; returns True when the connection must then be closed."""
    if method.startswith("Status"):
        code = method[len("Status"):]
        if code.endswith("Empty"):
            conn.send_headers(stream_id, [(":status", code[:-len("Empty")])], end_stream=True)
            return False
        html_response(conn, stream_id, code)
    elif method == "Html200":
        html_response(conn, stream_id, "200")
    elif method == "GrpcOk":
        conn.send_headers(stream_id, [(":status", "200"), ("content-type", "application/grpc")])
        conn.send_data(stream_id, grpc_frame(b"pong"))
        conn.send_headers(stream_id, [("grpc-status", "0")], end_stream=True)
    elif method in MALFORMED_GRPC:
        headers, data, trailers = MALFORMED_GRPC[method]
        conn.send_headers(stream_id, [(":status", "200"), ("content-type", "application/grpc")] + headers)
        conn.send_data(stream_id, data, end_stream=trailers is None)
        if trailers is not None:
            conn.send_headers(stream_id, trailers, end_stream=True)
    elif method == "CloseMidCall":
        conn.send_headers(stream_id, [(":status", "200"), ("content-type", "application/grpc")])
        conn.send_data(stream_id, b"\x00" + struct.pack(">I", 100) + b"only part")
        return True
    elif method == "CloseAtOnce":
        return True
    elif method == "HugeMessage":
        conn.send_headers(stream_id, [(":status", "200"), ("content-type", "application/grpc")])
        conn.send_data(stream_id, b"\x00" + struct.pack(">I", 4 * 1024 * 1024 + 1) + b"\x00" * 1000)
    else:
        html_response(conn, stream_id, "500")
    return False


def html_response(conn, stream_id, code):
    body = ("<html><body><h1>%s</h1>This is not a gRPC server.</body></html>" % code).encode()
    conn.send_headers(
        stream_id,
        [(":status", code), ("content-type", "text/html; charset=utf-8"), ("content-length", str(len(body)))],
    )
    conn.send_data(stream_id, body, end_stream=True)


def serve(sock):
    config = h2.config.H2Configuration(client_side=False, header_encoding="utf-8")
    conn = h2.connection.H2Connection(config=config)
    conn.initiate_connection()
    sock.sendall(conn.data_to_send())
    paths = {}
    try:
        while True:
            data = sock.recv(65536)
            if not data:
                return
            close = False
            for event in conn.receive_data(data):
                if isinstance(event, h2.events.RequestReceived):
                    paths[event.stream_id] = dict(event.headers).get(":path", "")
                elif isinstance(event, h2.events.DataReceived):
                    conn.acknowledge_received_data(event.flow_controlled_length, event.stream_id)
                elif isinstance(event, h2.events.StreamEnded):
                    method = paths.pop(event.stream_id, "").rsplit("/", 1)[-1]
                    close = respond(conn, event.stream_id, method) or close
                elif isinstance(event, h2.events.ConnectionTerminated):
                    close = True
            out = conn.data_to_send()
            if out:
                sock.sendall(out)
            if close:
                return
    except (OSError, h2.exceptions.ProtocolError):
        return
    finally:
        try:
            sock.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
        sock.close()


def exit_when_stdin_closes():
    sys.stdin.read()
    os._exit(0)


def main():
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind(("127.0.0.1", 0))
    listener.listen(16)
    threading.Thread(target=exit_when_stdin_closes, daemon=True).start()
    print(listener.getsockname()[1], flush=True)
    while True:
        sock, _ = listener.accept()
        threading.Thread(target=serve, args=(sock,), daemon=True).start()


if __name__ == "__main__":
    main()
