#!/usr/bin/python3
"""gRPC interop server on grpcio's public API: the TestService of gRPC's
doc/interop-test-descriptions.md, plus ORCA's OpenRcaService for orca_oob.

    /usr/bin/python3 interop_server.py --port=0 --use_tls=false
    /usr/bin/python3 interop_server.py --port=0 --use_tls=true --certs_dir=DIR
    /usr/bin/python3 interop_server.py --list_unsupported_cases

Once serving it prints one line, "interop_server.py listening on port N", and runs until SIGTERM
or SIGINT, then stops and exits 0. --list_cases prints the client cases it serves as the spec
says, one a line; --list_unsupported_cases prints the others as "case: reason".
"""

import concurrent.futures
import os
import signal
import socket
import sys
import threading
import time

import grpc

import interop_common

ECHO_INITIAL_KEY = "x-grpc-test-echo-initial"
ECHO_TRAILING_KEY = "x-grpc-test-echo-trailing-bin"
# The trailer that carries a call's ORCA report (gRFC A51), a serialized OrcaLoadReport.
ORCA_TRAILER_KEY = "endpoint-load-metrics-bin"

# Out-of-band reports go no more often than this, whatever interval a client asks for.
MIN_OOB_REPORT_INTERVAL_S = 0.1


_NO_REQUEST_COMPRESSION_INFO = (
    "grpcio's server API does not tell a handler whether a request message arrived compressed, "
    "so the server cannot implement CompressedRequest (reject an uncompressed message that has "
    "expect_compressed=true with INVALID_ARGUMENT), which the case's probe checks")

UNSUPPORTED_CASES = {
    "client_compressed_unary": _NO_REQUEST_COMPRESSION_INFO,
    "client_compressed_streaming": _NO_REQUEST_COMPRESSION_INFO,
}

SUPPORTED_CASES = tuple(c for c in interop_common.CASE_NAMES if c not in UNSUPPORTED_CASES)

_STATUS_CODES = {code.value[0]: code for code in grpc.StatusCode}


def _log(message):
    try:
        print("interop_server.py: " + message, file=sys.stderr, flush=True)
    except OSError:
        pass  # nobody reads our stderr any more; the log is not worth dying for


def _metadata_value(context, key):
    for k, v in context.invocation_metadata() or ():
        if k == key:
            return v
    return None


class _OobMetrics:
    """The load the server reports out of band: whatever the latest orca_oob_report said."""

    def __init__(self, stubs):
        self._stubs = stubs
        self._condition = threading.Condition()
        self._report = stubs.orca_report.OrcaLoadReport()
        self._version = 0
        # One orca_oob client at a time, as in grpc-java's server: two would overwrite each
        # other's metrics between setting and checking them.
        self.test_lock = threading.Lock()

    def set(self, test_report):
        report = self._stubs.orca_report.OrcaLoadReport(
            cpu_utilization=test_report.cpu_utilization,
            mem_utilization=test_report.memory_utilization)
        report.utilization.update(test_report.utilization)
        with self._condition:
            self._report = report
            self._version += 1
            self._condition.notify_all()

    def current(self):
        with self._condition:
            return self._version, self._report

    def wait_for_change(self, version, timeout):
        with self._condition:
            self._condition.wait_for(lambda: self._version != version, timeout)


class OpenRcaService:
    """xds.service.orca.v3.OpenRcaService: the current OOB report, then one per interval."""

    def __init__(self, stubs, metrics):
        self._metrics = metrics

    def StreamCoreMetrics(self, request, context):
        interval = request.report_interval.seconds + request.report_interval.nanos / 1e9
        interval = max(interval, MIN_OOB_REPORT_INTERVAL_S)
        while context.is_active():
            version, report = self._metrics.current()
            yield report
            deadline = time.monotonic() + interval
            while context.is_active() and time.monotonic() < deadline:
                self._metrics.wait_for_change(version, min(0.05, deadline - time.monotonic()))


class TestService:
    """grpc.testing.TestService, each feature as the spec's Server section describes it."""

    def __init__(self, stubs, server_id, metrics):
        self._messages = stubs.messages
        self._empty = stubs.empty
        self._orca_report = stubs.orca_report
        self._server_id = server_id
        self._metrics = metrics
        self._hostname = socket.gethostname()

    # -- features shared by the methods ------------------------------------------------------

    def _echo_initial(self, context, extra=()):
        """Echo Metadata, initial half: sends the response headers now, echo included."""
        headers = list(extra)
        value = _metadata_value(context, ECHO_INITIAL_KEY)
        if value is not None:
            headers.append((ECHO_INITIAL_KEY, value))
        context.send_initial_metadata(tuple(headers))

    def _set_trailers(self, context, extra=()):
        """Echo Metadata, trailing half, plus what else the trailers carry."""
        trailers = list(extra)
        value = _metadata_value(context, ECHO_TRAILING_KEY)
        if value is not None:
            trailers.append((ECHO_TRAILING_KEY, value))
        if trailers:
            context.set_trailing_metadata(tuple(trailers))

    def _echo_status(self, request, context):
        """Echo Status: a non-OK response_status ends the call with that code and message."""
        if request.HasField("response_status") and request.response_status.code != 0:
            code = _STATUS_CODES.get(request.response_status.code, grpc.StatusCode.UNKNOWN)
            context.abort(code, request.response_status.message)

    def _check_response_type(self, response_type, context):
        if response_type != self._messages.COMPRESSABLE:
            context.abort(grpc.StatusCode.INVALID_ARGUMENT, "unsupported response_type %d" % response_type)

    def _payload(self, size, context):
        if size < 0:
            context.abort(grpc.StatusCode.INVALID_ARGUMENT, "negative response size %d" % size)
        return self._messages.Payload(type=self._messages.COMPRESSABLE, body=bytes(size))

    def _stream_responses(self, parameters, context):
        """One response per ResponseParameters, each after its interval_us, compressed or not.

        The call was opened with gzip (see _open_response_stream); a message whose parameters do
        not ask for compression is written with grpcio's per-message no-compress flag.
        """
        for p in parameters:
            if p.interval_us > 0:
                time.sleep(p.interval_us / 1e6)
            response = self._messages.StreamingOutputCallResponse(payload=self._payload(p.size, context))
            if not (p.HasField("compressed") and p.compressed.value):
                context.disable_next_message_compression()
            yield response

    def _open_response_stream(self, context, compress):
        # Compression must be chosen before the headers go out: they name the encoding.
        if compress:
            context.set_compression(grpc.Compression.Gzip)
        self._echo_initial(context)
        self._set_trailers(context)

    # -- the methods -------------------------------------------------------------------------

    def EmptyCall(self, request, context):
        self._echo_initial(context)
        self._set_trailers(context)
        return self._empty.Empty()

    def UnaryCall(self, request, context):
        if request.HasField("response_compressed"):
            context.set_compression(
                grpc.Compression.Gzip if request.response_compressed.value else grpc.Compression.NoCompression)
        self._echo_initial(context)
        trailers = []
        if request.HasField("orca_per_query_report"):
            trailers.append((ORCA_TRAILER_KEY, self._per_call_report(request.orca_per_query_report)))
        self._set_trailers(context, trailers)
        self._echo_status(request, context)
        self._check_response_type(request.response_type, context)
        response = self._messages.SimpleResponse()
        if request.response_size:
            response.payload.CopyFrom(self._payload(request.response_size, context))
        elif request.response_size < 0:
            self._payload(request.response_size, context)
        if request.fill_server_id:
            response.server_id = self._server_id
            response.hostname = self._hostname
        return response

    def _per_call_report(self, test_report):
        report = self._orca_report.OrcaLoadReport(
            cpu_utilization=test_report.cpu_utilization,
            mem_utilization=test_report.memory_utilization)
        report.request_cost.update(test_report.request_cost)
        report.utilization.update(test_report.utilization)
        return report.SerializeToString()

    def CacheableUnaryCall(self, request, context):
        # The payload changes each call, so only a cache could make two responses equal.
        self._echo_initial(context, extra=(("cache-control", "max-age=60, public"),))
        self._set_trailers(context)
        body = str(time.time_ns()).encode("ascii")
        return self._messages.SimpleResponse(payload=self._messages.Payload(body=body))

    def StreamingOutputCall(self, request, context):
        compress = any(p.HasField("compressed") and p.compressed.value for p in request.response_parameters)
        self._open_response_stream(context, compress)
        self._echo_status(request, context)
        self._check_response_type(request.response_type, context)
        yield from self._stream_responses(request.response_parameters, context)

    def StreamingInputCall(self, request_iterator, context):
        self._echo_initial(context)
        self._set_trailers(context)
        total = 0
        for request in request_iterator:
            total += len(request.payload.body)
        return self._messages.StreamingInputCallResponse(aggregated_payload_size=total)

    def FullDuplexCall(self, request_iterator, context):
        # Which later requests will want compressed responses is unknown when the headers go:
        # open with gzip, and each message not asking for it goes out uncompressed.
        self._open_response_stream(context, compress=True)
        holds_oob_lock = False
        try:
            for request in request_iterator:
                if request.HasField("orca_oob_report"):
                    if not holds_oob_lock:
                        self._metrics.test_lock.acquire()
                        holds_oob_lock = True
                    self._metrics.set(request.orca_oob_report)
                self._echo_status(request, context)
                self._check_response_type(request.response_type, context)
                yield from self._stream_responses(request.response_parameters, context)
        finally:
            if holds_oob_lock:
                self._metrics.test_lock.release()

    def HalfDuplexCall(self, request_iterator, context):
        self._open_response_stream(context, compress=True)
        requests = list(request_iterator)
        for request in requests:
            self._echo_status(request, context)
            self._check_response_type(request.response_type, context)
        for request in requests:
            yield from self._stream_responses(request.response_parameters, context)

    # UnimplementedCall is left to the generated base class, which answers UNIMPLEMENTED.


def _usage():
    return __doc__ + "\nFlags: --port=N (0 picks a free port), --use_tls=true|false, " \
        "--certs_dir=DIR (server1.pem, server1.key; default $%s), --bind_address=HOST " \
        "(default [::]), --server_id=ID (for fill_server_id), --proto_dir=DIR, --stubs_dir=DIR, " \
        "--max_workers=N, --list_cases, --list_unsupported_cases\n" % interop_common.CERTS_ENV


def main(argv):
    defaults = {
        "port": 0, "use_tls": False, "certs_dir": "", "bind_address": "[::]",
        "server_id": "", "proto_dir": "", "stubs_dir": "", "max_workers": 32,
        "list_cases": False, "list_unsupported_cases": False, "help": False,
    }
    try:
        flags = interop_common.parse_flags(argv, defaults)
        if flags["help"]:
            print(_usage())
            return 0
        if flags["list_cases"] or flags["list_unsupported_cases"]:
            interop_common.print_cases(SUPPORTED_CASES, UNSUPPORTED_CASES, flags["list_unsupported_cases"])
            return 0
        stubs = interop_common.Stubs(flags["proto_dir"] or None, flags["stubs_dir"] or None)
        credentials = None
        if flags["use_tls"]:
            directory = interop_common.certs_dir(flags["certs_dir"])
            credentials = grpc.ssl_server_credentials(
                [(interop_common.read_cert(directory, "server1.key"),
                  interop_common.read_cert(directory, "server1.pem"))])
    except interop_common.UsageError as e:
        print("interop_server.py: " + str(e), file=sys.stderr)
        print(_usage(), file=sys.stderr)
        return 2

    metrics = _OobMetrics(stubs)
    server_id = flags["server_id"] or "python-interop-server-%d" % os.getpid()
    options = [
        ("grpc.max_receive_message_length", interop_common.MAX_MESSAGE_SIZE),
        ("grpc.max_send_message_length", interop_common.MAX_MESSAGE_SIZE),
        # A second server must not quietly share a port someone else still holds.
        ("grpc.so_reuseport", 0),
    ]
    server = grpc.server(concurrent.futures.ThreadPoolExecutor(max_workers=flags["max_workers"]),
                         options=options)
    # On top of the generated servicer, which answers UnimplementedCall with UNIMPLEMENTED.
    test_servicer = type("TestServicer", (TestService, stubs.test_grpc.TestServiceServicer), {})
    stubs.test_grpc.add_TestServiceServicer_to_server(test_servicer(stubs, server_id, metrics), server)
    orca = type("OpenRcaServicer", (OpenRcaService, stubs.orca_grpc.OpenRcaServiceServicer), {})
    stubs.orca_grpc.add_OpenRcaServiceServicer_to_server(orca(stubs, metrics), server)

    address = "%s:%d" % (flags["bind_address"], flags["port"])
    try:
        if credentials is None:
            port = server.add_insecure_port(address)
        else:
            port = server.add_secure_port(address, credentials)
    except RuntimeError as e:
        port = 0
        _log("cannot bind %s: %s" % (address, e))
    if port == 0:
        _log("cannot bind " + address)
        return 1

    stop = threading.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda signum, frame: stop.set())
    server.start()
    print("interop_server.py listening on port %d (%s)" % (port, "tls" if credentials else "plaintext"),
          flush=True)
    while not stop.wait(1.0):
        pass
    _log("stopping")
    server.stop(grace=1.0).wait()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
