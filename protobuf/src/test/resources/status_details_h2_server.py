"""A raw HTTP/2 (h2c, prior knowledge) peer that answers gRPC calls with hand-made error details,
for Shuttle's client tests: what no well-behaved gRPC library would send.

Run with a Python that has the `h2` package (Debian: python3-h2). It listens on 127.0.0.1, port 0,
prints the port on its first stdout line, and exits when its stdin closes, so that it never
outlives the test that started it.

What it answers depends on the method name, the last segment of :path, read once the request
has ended:
  BadBase64        trailers-only, grpc-status 13, details that are not base64, then x-after
  NotAStatus       headers, one message, trailers with grpc-status 3 and details that are
                   base64 but no google.rpc.Status
  PaddedDetails    trailers-only, grpc-status 14, a valid google.rpc.Status in padded base64
  Http503          :status 503, text/html: no gRPC at all
"""

import base64
import os
import socket
import struct
import sys
import threading

import h2.config
import h2.connection
import h2.events
import h2.exceptions

GRPC = [(":status", "200"), ("content-type", "application/grpc")]
DETAILS = "grpc-status-details-bin"

# google.rpc.Status{code: 14, message: "raw peer!"}, encoded by hand: field 1 varint, field 2 bytes.
RAW_PEER_STATUS = b"\x08\x0e" + b"\x12" + bytes([9]) + b"raw peer!"


def grpc_frame(payload):
    return b"\x00" + struct.pack(">I", len(payload)) + payload


def respond(conn, stream_id, method):
    if method == "BadBase64":
        conn.send_headers(
            stream_id,
            GRPC + [("grpc-status", "13"), ("grpc-message", "bad base64"), (DETAILS, "!!not*base64!!"), ("x-after", "intact")],
            end_stream=True,
        )
    elif method == "NotAStatus":
        conn.send_headers(stream_id, GRPC)
        conn.send_data(stream_id, grpc_frame(b""))
        garbage = base64.b64encode(b"\x0a\x7f\x01").decode()
        conn.send_headers(
            stream_id, [("grpc-status", "3"), ("grpc-message", "not a status"), (DETAILS, garbage)], end_stream=True
        )
    elif method == "PaddedDetails":
        padded = base64.b64encode(RAW_PEER_STATUS).decode()
        assert padded.endswith("=")
        conn.send_headers(
            stream_id, GRPC + [("grpc-status", "14"), ("grpc-message", "raw peer!"), (DETAILS, padded)], end_stream=True
        )
    else:
        body = b"<html><body>503: not a gRPC server</body></html>"
        conn.send_headers(
            stream_id,
            [(":status", "503"), ("content-type", "text/html"), ("content-length", str(len(body)))],
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
            for event in conn.receive_data(data):
                if isinstance(event, h2.events.RequestReceived):
                    paths[event.stream_id] = dict(event.headers).get(":path", "")
                elif isinstance(event, h2.events.DataReceived):
                    conn.acknowledge_received_data(event.flow_controlled_length, event.stream_id)
                elif isinstance(event, h2.events.StreamEnded):
                    respond(conn, event.stream_id, paths.pop(event.stream_id, "").rsplit("/", 1)[-1])
                elif isinstance(event, h2.events.ConnectionTerminated):
                    return
            out = conn.data_to_send()
            if out:
                sock.sendall(out)
    except (OSError, h2.exceptions.ProtocolError):
        return
    finally:
        sock.close()


def exit_when_stdin_closes():
    sys.stdin.read()
    os._exit(0)


def main():
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.bind(("127.0.0.1", 0))
    listener.listen(16)
    threading.Thread(target=exit_when_stdin_closes, daemon=True).start()
    print(listener.getsockname()[1], flush=True)
    while True:
        sock, _ = listener.accept()
        threading.Thread(target=serve, args=(sock,), daemon=True).start()


if __name__ == "__main__":
    main()
