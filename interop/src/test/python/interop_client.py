#!/usr/bin/python3
"""gRPC interop client on grpcio's public API: the client cases of gRPC's
doc/interop-test-descriptions.md that grpcio lets a client run as the spec describes them.

    /usr/bin/python3 interop_client.py --server_host=127.0.0.1 --server_port=N --test_case=large_unary
    /usr/bin/python3 interop_client.py ... --use_tls=true --use_test_ca=true \\
        --server_host_override=foo.test.google.fr --certs_dir=DIR
    /usr/bin/python3 interop_client.py --list_cases            # the cases it runs, one a line
    /usr/bin/python3 interop_client.py --list_unsupported_cases  # "case: reason" for the rest

Exit status: 0 the case passed; 1 it failed (the reason on stderr); 2 usage error; 3 the case is
one this client cannot run faithfully (the reason, one line, on stderr).
"""

import json
import queue
import sys
import time

import grpc

import interop_common

EXIT_PASSED, EXIT_FAILED, EXIT_USAGE, EXIT_UNSUPPORTED = 0, 1, 2, 3

ECHO_INITIAL_KEY = "x-grpc-test-echo-initial"
ECHO_INITIAL_VALUE = "test_initial_metadata_value"
ECHO_TRAILING_KEY = "x-grpc-test-echo-trailing-bin"
ECHO_TRAILING_VALUE = b"\xab\xab\xab"

_NO_CUSTOM_LB = (
    "grpcio's Python API has no custom load-balancing policies, and the case asserts that such a "
    "policy (test_backend_metrics_load_balancer) received the server's ORCA load reports")

UNSUPPORTED_CASES = {
    "client_compressed_streaming": (
        "grpcio's client API compresses all messages of a call or none (it has no per-message "
        "compression flag), and the case needs a compressed then an uncompressed message on one stream"),
    "orca_per_rpc": _NO_CUSTOM_LB + " per call",
    "orca_oob": _NO_CUSTOM_LB + " out of band",
}

# What a supported case cannot check; printed with the case's result so nobody reads more into it.
LIMITS = {
    "server_compressed_unary": (
        "grpcio does not expose a response's compressed flag: only sizes and contents are checked, "
        "as the spec allows ('if supported by the implementation')"),
    "server_compressed_streaming": (
        "grpcio does not expose a response's compressed flag: only sizes and contents are checked, "
        "as the spec allows ('if supported by the implementation')"),
}

# Every call gets a deadline, so a peer that never answers fails the case instead of hanging it.
GUARD_TIMEOUT_S = 30


class CaseFailed(Exception):
    pass


def check(condition, message):
    if not condition:
        raise CaseFailed(message)


def expect_status(error, code, what):
    check(isinstance(error, grpc.RpcError), "%s: expected status %s, the call succeeded" % (what, code.name))
    check(error.code() == code, "%s: expected status %s, got %s: %r" % (what, code.name, error.code(), error.details()))


def expect_zeros(payload, size, what):
    check(len(payload.body) == size, "%s: expected a %d-byte payload, got %d bytes" % (what, size, len(payload.body)))
    check(payload.body == bytes(size), "%s: the payload is not all zeros" % what)


def expect_metadata(metadata, key, value, what):
    values = [v for k, v in (metadata or ()) if k == key]
    check(values == [value], "%s: expected %s = %r, got %r" % (what, key, value, values))


class _RequestQueue:
    """Requests a test feeds one at a time to a streaming call; None half-closes."""

    def __init__(self):
        self._queue = queue.Queue()

    def send(self, request):
        self._queue.put(request)

    def half_close(self):
        self._queue.put(None)

    def __iter__(self):
        while True:
            request = self._queue.get()
            if request is None:
                return
            yield request


class Cases:
    """One method per supported case, named as its --test_case."""

    def __init__(self, flags, stubs):
        self.flags = flags
        self.m = stubs.messages
        self.empty = stubs.empty
        self.test_grpc = stubs.test_grpc
        self._channels = []
        self.channel = self.new_channel()
        self.stub = self.test_grpc.TestServiceStub(self.channel)

    # -- channels ----------------------------------------------------------------------------

    def new_channel(self, extra_options=()):
        f = self.flags
        target = "%s:%d" % (f["server_host"], f["server_port"])
        options = [("grpc.max_receive_message_length", interop_common.MAX_MESSAGE_SIZE),
                   ("grpc.max_send_message_length", interop_common.MAX_MESSAGE_SIZE)]
        if f["server_host_override"]:
            options.append(("grpc.default_authority", f["server_host_override"]))
        options.extend(extra_options)
        if f["use_tls"]:
            root = None
            if f["use_test_ca"]:
                root = interop_common.read_cert(interop_common.certs_dir(f["certs_dir"]), "ca.pem")
            if f["server_host_override"]:
                options.append(("grpc.ssl_target_name_override", f["server_host_override"]))
            channel = grpc.secure_channel(target, grpc.ssl_channel_credentials(root_certificates=root), options)
        else:
            channel = grpc.insecure_channel(target, options)
        self._channels.append(channel)
        return channel

    def close(self):
        for channel in self._channels:
            channel.close()

    # -- requests ----------------------------------------------------------------------------

    def large_request(self, **fields):
        return self.m.SimpleRequest(
            response_type=self.m.COMPRESSABLE, response_size=314159,
            payload=self.m.Payload(body=bytes(271828)), **fields)

    def streaming_request(self, sizes, payload_size=None, **fields):
        request = self.m.StreamingOutputCallRequest(response_type=self.m.COMPRESSABLE, **fields)
        for size in sizes:
            request.response_parameters.add(size=size)
        if payload_size is not None:
            request.payload.body = bytes(payload_size)
        return request

    # -- the cases ---------------------------------------------------------------------------

    def empty_unary(self):
        response = self.stub.EmptyCall(self.empty.Empty(), timeout=GUARD_TIMEOUT_S)
        check(isinstance(response, self.empty.Empty), "EmptyCall returned %r" % (response,))

    def large_unary(self):
        response = self.stub.UnaryCall(self.large_request(), timeout=GUARD_TIMEOUT_S)
        expect_zeros(response.payload, 314159, "UnaryCall")

    def client_compressed_unary(self):
        probe = self.large_request(expect_compressed=self.m.BoolValue(value=True))
        try:
            self.stub.UnaryCall(probe, timeout=GUARD_TIMEOUT_S)
            error = None
        except grpc.RpcError as e:
            error = e
        expect_status(error, grpc.StatusCode.INVALID_ARGUMENT,
                      "the probe (uncompressed, expect_compressed=true)")
        response = self.stub.UnaryCall(probe, compression=grpc.Compression.Gzip, timeout=GUARD_TIMEOUT_S)
        expect_zeros(response.payload, 314159, "compressed request, expect_compressed=true")
        plain = self.large_request(expect_compressed=self.m.BoolValue(value=False))
        response = self.stub.UnaryCall(plain, compression=grpc.Compression.NoCompression, timeout=GUARD_TIMEOUT_S)
        expect_zeros(response.payload, 314159, "uncompressed request, expect_compressed=false")

    def server_compressed_unary(self):
        for compressed in (True, False):
            request = self.large_request(response_compressed=self.m.BoolValue(value=compressed))
            response = self.stub.UnaryCall(request, timeout=GUARD_TIMEOUT_S)
            expect_zeros(response.payload, 314159, "response_compressed=%s" % compressed)

    def client_streaming(self):
        requests = [self.m.StreamingInputCallRequest(payload=self.m.Payload(body=bytes(n)))
                    for n in (27182, 8, 1828, 45904)]
        response = self.stub.StreamingInputCall(iter(requests), timeout=GUARD_TIMEOUT_S)
        check(response.aggregated_payload_size == 74922,
              "aggregated_payload_size %d, expected 74922" % response.aggregated_payload_size)

    def server_streaming(self):
        sizes = (31415, 9, 2653, 58979)
        responses = list(self.stub.StreamingOutputCall(self.streaming_request(sizes), timeout=GUARD_TIMEOUT_S))
        check(len(responses) == len(sizes), "%d responses, expected %d" % (len(responses), len(sizes)))
        for i, (response, size) in enumerate(zip(responses, sizes)):
            expect_zeros(response.payload, size, "response %d" % i)

    def server_compressed_streaming(self):
        request = self.m.StreamingOutputCallRequest(response_type=self.m.COMPRESSABLE)
        request.response_parameters.add(size=31415, compressed=self.m.BoolValue(value=True))
        request.response_parameters.add(size=92653, compressed=self.m.BoolValue(value=False))
        responses = list(self.stub.StreamingOutputCall(request, timeout=GUARD_TIMEOUT_S))
        check(len(responses) == 2, "%d responses, expected 2" % len(responses))
        expect_zeros(responses[0].payload, 31415, "response 0 (compressed=true)")
        expect_zeros(responses[1].payload, 92653, "response 1 (compressed=false)")

    def ping_pong(self):
        steps = ((31415, 27182), (9, 8), (2653, 1828), (58979, 45904))
        requests = _RequestQueue()
        responses = self.stub.FullDuplexCall(iter(requests), timeout=GUARD_TIMEOUT_S)
        try:
            for i, (response_size, payload_size) in enumerate(steps):
                requests.send(self.streaming_request((response_size,), payload_size))
                response = next(responses, None)
                check(response is not None, "the stream ended before response %d" % i)
                expect_zeros(response.payload, response_size, "response %d" % i)
            requests.half_close()
            extra = next(responses, None)
            check(extra is None, "a fifth response after the half-close")
            check(responses.code() == grpc.StatusCode.OK, "status %s" % responses.code())
        finally:
            requests.half_close()

    def empty_stream(self):
        responses = list(self.stub.FullDuplexCall(iter(()), timeout=GUARD_TIMEOUT_S))
        check(responses == [], "%d responses, expected none" % len(responses))

    def timeout_on_sleeping_server(self):
        requests = _RequestQueue()
        try:
            responses = self.stub.FullDuplexCall(iter(requests), timeout=0.001)
            requests.send(self.m.StreamingOutputCallRequest(payload=self.m.Payload(body=bytes(27182))))
            try:
                for _ in responses:
                    raise CaseFailed("a response arrived, though the request asked for none")
                error = None
            except grpc.RpcError as e:
                error = e
            expect_status(error, grpc.StatusCode.DEADLINE_EXCEEDED, "FullDuplexCall with a 1 ms timeout")
        finally:
            requests.half_close()

    def cancel_after_begin(self):
        requests = _RequestQueue()
        try:
            call = self.stub.StreamingInputCall.future(iter(requests), timeout=GUARD_TIMEOUT_S)
            call.cancel()
            check(call.cancelled(), "the call was not cancelled")
            check(call.code() == grpc.StatusCode.CANCELLED, "status %s, expected CANCELLED" % call.code())
        finally:
            requests.half_close()

    def cancel_after_first_response(self):
        requests = _RequestQueue()
        try:
            responses = self.stub.FullDuplexCall(iter(requests), timeout=GUARD_TIMEOUT_S)
            requests.send(self.streaming_request((31415,), 27182))
            response = next(responses, None)
            check(response is not None, "the stream ended before the first response")
            expect_zeros(response.payload, 31415, "the first response")
            responses.cancel()
            try:
                for _ in responses:
                    pass
            except grpc.RpcError:
                pass
            check(responses.code() == grpc.StatusCode.CANCELLED, "status %s, expected CANCELLED" % responses.code())
        finally:
            requests.half_close()

    def custom_metadata(self):
        metadata = ((ECHO_INITIAL_KEY, ECHO_INITIAL_VALUE), (ECHO_TRAILING_KEY, ECHO_TRAILING_VALUE))
        response, call = self.stub.UnaryCall.with_call(self.large_request(), metadata=metadata, timeout=GUARD_TIMEOUT_S)
        expect_zeros(response.payload, 314159, "UnaryCall")
        expect_metadata(call.initial_metadata(), ECHO_INITIAL_KEY, ECHO_INITIAL_VALUE, "UnaryCall's headers")
        expect_metadata(call.trailing_metadata(), ECHO_TRAILING_KEY, ECHO_TRAILING_VALUE, "UnaryCall's trailers")

        request = self.streaming_request((314159,), 271828)
        responses = self.stub.FullDuplexCall(iter([request]), metadata=metadata, timeout=GUARD_TIMEOUT_S)
        received = list(responses)
        check(len(received) == 1, "FullDuplexCall: %d responses, expected 1" % len(received))
        expect_zeros(received[0].payload, 314159, "FullDuplexCall")
        expect_metadata(responses.initial_metadata(), ECHO_INITIAL_KEY, ECHO_INITIAL_VALUE, "FullDuplexCall's headers")
        expect_metadata(responses.trailing_metadata(), ECHO_TRAILING_KEY, ECHO_TRAILING_VALUE,
                        "FullDuplexCall's trailers")

    def _expect_echoed_status(self, code, message, streaming):
        status = self.m.EchoStatus(code=code, message=message)
        try:
            self.stub.UnaryCall(self.m.SimpleRequest(response_status=status), timeout=GUARD_TIMEOUT_S)
            error = None
        except grpc.RpcError as e:
            error = e
        self._check_echoed(error, code, message, "UnaryCall")
        if streaming:
            request = self.m.StreamingOutputCallRequest(response_status=status)
            try:
                for _ in self.stub.FullDuplexCall(iter([request]), timeout=GUARD_TIMEOUT_S):
                    raise CaseFailed("FullDuplexCall: a response arrived before the status")
                error = None
            except grpc.RpcError as e:
                error = e
            self._check_echoed(error, code, message, "FullDuplexCall")

    def _check_echoed(self, error, code, message, what):
        check(error is not None, "%s: succeeded, expected status %d" % (what, code))
        check(error.code().value[0] == code, "%s: status %s, expected %d" % (what, error.code(), code))
        check(error.details() == message, "%s: message %r, expected %r" % (what, error.details(), message))

    def status_code_and_message(self):
        self._expect_echoed_status(2, "test status message", streaming=True)

    def special_status_message(self):
        self._expect_echoed_status(
            2, "\t\ntest with whitespace\r\nand Unicode BMP \u263a and non-BMP \U0001f608\t\n", streaming=False)

    def unimplemented_method(self):
        try:
            self.stub.UnimplementedCall(self.empty.Empty(), timeout=GUARD_TIMEOUT_S)
            error = None
        except grpc.RpcError as e:
            error = e
        expect_status(error, grpc.StatusCode.UNIMPLEMENTED, "TestService/UnimplementedCall")

    def unimplemented_service(self):
        stub = self.test_grpc.UnimplementedServiceStub(self.channel)
        try:
            stub.UnimplementedCall(self.empty.Empty(), timeout=GUARD_TIMEOUT_S)
            error = None
        except grpc.RpcError as e:
            error = e
        expect_status(error, grpc.StatusCode.UNIMPLEMENTED, "UnimplementedService/UnimplementedCall")

    def very_large_request(self):
        request = self.m.SimpleRequest(
            response_type=self.m.COMPRESSABLE, response_size=10,
            payload=self.m.Payload(body=bytes(10 * 1024 * 1024)))
        response = self.stub.UnaryCall(request, timeout=GUARD_TIMEOUT_S)
        expect_zeros(response.payload, 10, "UnaryCall with a 10 MiB request")

    def pick_first_unary(self):
        config = json.dumps({"loadBalancingConfig": [{"pick_first": {}}]})
        channel = self.new_channel((("grpc.service_config", config),))
        stub = self.test_grpc.TestServiceStub(channel)
        request = self.m.SimpleRequest(
            response_type=self.m.COMPRESSABLE, response_size=1, fill_server_id=True,
            payload=self.m.Payload(body=bytes(1)))
        first = stub.UnaryCall(request, timeout=GUARD_TIMEOUT_S)
        # Time for a policy that is not pick_first to connect to the other backends, if any.
        time.sleep(self.flags["pick_first_settle_ms"] / 1000.0)
        for i in range(100):
            response = stub.UnaryCall(request, timeout=GUARD_TIMEOUT_S)
            check(response.server_id == first.server_id,
                  "call %d went to server %r, the first to %r" % (i + 1, response.server_id, first.server_id))

    def rpc_soak(self):
        self._soak(lambda: self.stub)

    def channel_soak(self):
        def fresh_stub():
            return self.test_grpc.TestServiceStub(self.new_channel())
        self._soak(fresh_stub)

    def _soak(self, stub_for_iteration):
        f = self.flags
        request = self.m.SimpleRequest(
            response_type=self.m.COMPRESSABLE, response_size=f["soak_response_size"],
            payload=self.m.Payload(body=bytes(f["soak_request_size"])))
        started = time.monotonic()
        failures, done = [], 0
        for i in range(f["soak_iterations"]):
            if time.monotonic() - started >= f["soak_overall_timeout_seconds"]:
                break
            earliest_next = time.monotonic() + f["soak_min_time_ms_between_rpcs"] / 1000.0
            stub = stub_for_iteration()
            begin = time.monotonic()
            try:
                response = stub.UnaryCall(request, timeout=GUARD_TIMEOUT_S)
                expect_zeros(response.payload, f["soak_response_size"], "iteration %d" % i)
                latency_ms = (time.monotonic() - begin) * 1000
                if latency_ms > f["soak_per_iteration_max_acceptable_latency_ms"]:
                    failures.append("iteration %d took %d ms" % (i, latency_ms))
            except (grpc.RpcError, CaseFailed) as e:
                failures.append("iteration %d: %s" % (i, e))
            done += 1
            if stub is not self.stub:
                self._channels.pop().close()
            pause = earliest_next - time.monotonic()
            if pause > 0:
                time.sleep(pause)
        check(done == f["soak_iterations"],
              "soak used all %d s and stopped after %d of %d iterations"
              % (f["soak_overall_timeout_seconds"], done, f["soak_iterations"]))
        check(len(failures) <= f["soak_max_failures"],
              "%d failed iterations, at most %d allowed: %s" % (len(failures), f["soak_max_failures"], "; ".join(failures)))


SUPPORTED_CASES = tuple(c for c in interop_common.CASE_NAMES if c not in UNSUPPORTED_CASES)


def _usage():
    return __doc__ + "\nFlags: --server_host=HOST, --server_port=N, --test_case=NAME, " \
        "--use_tls=true|false, --use_test_ca=true|false, --server_host_override=NAME, " \
        "--certs_dir=DIR (ca.pem; default $%s), --soak_iterations=N, --soak_max_failures=N, " \
        "--soak_per_iteration_max_acceptable_latency_ms=N, --soak_overall_timeout_seconds=N, " \
        "--soak_min_time_ms_between_rpcs=N, --soak_request_size=N, --soak_response_size=N, " \
        "--pick_first_settle_ms=N, --proto_dir=DIR, --stubs_dir=DIR, --list_cases, " \
        "--list_unsupported_cases\n" % interop_common.CERTS_ENV


def main(argv):
    defaults = {
        "server_host": "localhost", "server_port": 0, "test_case": "large_unary",
        "use_tls": False, "use_test_ca": False, "server_host_override": "", "certs_dir": "",
        "soak_iterations": 10, "soak_max_failures": 0,
        "soak_per_iteration_max_acceptable_latency_ms": 1000, "soak_overall_timeout_seconds": 10,
        "soak_min_time_ms_between_rpcs": 0, "soak_request_size": 271828,
        "soak_response_size": 314159, "pick_first_settle_ms": 5000,
        "proto_dir": "", "stubs_dir": "", "list_cases": False, "list_unsupported_cases": False,
        "help": False,
    }
    try:
        flags = interop_common.parse_flags(argv, defaults)
        if flags["help"]:
            print(_usage())
            return EXIT_PASSED
        if flags["list_cases"] or flags["list_unsupported_cases"]:
            interop_common.print_cases(SUPPORTED_CASES, UNSUPPORTED_CASES, flags["list_unsupported_cases"])
            return EXIT_PASSED
        if not 0 < flags["server_port"] < 65536:
            raise interop_common.UsageError("--server_port=N (1..65535) is required")
        name = flags["test_case"]
        if name in UNSUPPORTED_CASES:
            print("interop_client.py: %s is not supported: %s" % (name, UNSUPPORTED_CASES[name]), file=sys.stderr)
            return EXIT_UNSUPPORTED
        if name not in SUPPORTED_CASES:
            raise interop_common.UsageError("unknown --test_case=%s; known: %s" % (name, ", ".join(interop_common.CASE_NAMES)))
        if flags["use_tls"] and flags["use_test_ca"]:
            interop_common.certs_dir(flags["certs_dir"])
        stubs = interop_common.Stubs(flags["proto_dir"] or None, flags["stubs_dir"] or None)
    except interop_common.UsageError as e:
        print("interop_client.py: " + str(e), file=sys.stderr)
        print(_usage(), file=sys.stderr)
        return EXIT_USAGE

    cases = Cases(flags, stubs)
    try:
        getattr(cases, name)()
    except CaseFailed as e:
        print("interop_client.py: %s FAILED: %s" % (name, e), file=sys.stderr)
        return EXIT_FAILED
    except grpc.RpcError as e:
        print("interop_client.py: %s FAILED: unexpected status %s: %r" % (name, e.code(), e.details()), file=sys.stderr)
        return EXIT_FAILED
    finally:
        cases.close()
    note = LIMITS.get(name)
    print("interop_client.py: %s passed%s" % (name, " (note: %s)" % note if note else ""), flush=True)
    return EXIT_PASSED


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
