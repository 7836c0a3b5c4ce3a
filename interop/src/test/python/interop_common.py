"""What interop_client.py and interop_server.py share: command-line flags in the style of gRPC's
interop programs, the test certificates, and the protobuf/gRPC stubs, which are generated at run
time with grpc_tools.protoc from the interop module's protos into a cache directory.

Runs on Debian's /usr/bin/python3 with python3-grpcio (1.51) and python3-grpc-tools.
"""

import hashlib
import importlib
import os
import shutil
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))

# interop/src/test/python -> interop/src/main/proto
DEFAULT_PROTO_DIR = os.path.normpath(os.path.join(HERE, "..", "..", "main", "proto"))

INTEROP_PROTOS = ("grpc/testing/empty.proto", "grpc/testing/messages.proto", "grpc/testing/test.proto")
ORCA_PROTOS = ("xds/data/orca/v3/orca_load_report.proto", "xds/service/orca/v3/orca.proto")

# The generated modules live under this package. The protos' own path, grpc/testing/..., would
# make them grpc.testing.*, which grpcio's own grpc package would shadow.
STUB_PACKAGE = "interop_stubs"

# 16 MiB, as grpc-java's interop programs allow: very_large_request sends 10 MiB.
MAX_MESSAGE_SIZE = 16 * 1024 * 1024

# The name server1.pem is issued for (*.test.google.fr); clients check it instead of 127.0.0.1.
TEST_SERVER_NAME = "foo.test.google.fr"

CERTS_ENV = "INTEROP_CERTS_DIR"


# The cases of gRPC's doc/interop-test-descriptions.md that need no cloud credentials.
CASE_NAMES = (
    "empty_unary", "large_unary", "client_compressed_unary", "server_compressed_unary",
    "client_streaming", "client_compressed_streaming", "server_streaming",
    "server_compressed_streaming", "ping_pong", "empty_stream", "timeout_on_sleeping_server",
    "cancel_after_begin", "cancel_after_first_response", "custom_metadata",
    "status_code_and_message", "special_status_message", "unimplemented_method",
    "unimplemented_service", "very_large_request", "pick_first_unary", "rpc_soak",
    "channel_soak", "orca_per_rpc", "orca_oob",
)


class UsageError(Exception):
    pass


def parse_flags(argv, defaults):
    """Parses --name=value flags (and bare --name for booleans) into a dict seeded by defaults.

    Unknown flags are a usage error, as in the official interop programs.
    """
    flags = dict(defaults)
    for arg in argv:
        if not arg.startswith("--"):
            raise UsageError("arguments must look like --name=value: " + arg)
        name, sep, value = arg[2:].partition("=")
        if name not in defaults:
            raise UsageError("unknown flag --" + name)
        default = defaults[name]
        if isinstance(default, bool):
            if not sep:
                value = "true"
            if value.lower() not in ("true", "false"):
                raise UsageError("--%s takes true or false, not %r" % (name, value))
            flags[name] = value.lower() == "true"
        elif not sep:
            raise UsageError("--%s needs a value" % name)
        elif isinstance(default, int):
            try:
                flags[name] = int(value)
            except ValueError:
                raise UsageError("--%s takes an integer, not %r" % (name, value))
        else:
            flags[name] = value
    return flags


def certs_dir(flag_value):
    """Where server1.pem, server1.key and ca.pem are: --certs_dir, else $INTEROP_CERTS_DIR."""
    directory = flag_value or os.environ.get(CERTS_ENV, "")
    if not directory:
        raise UsageError(
            "TLS needs gRPC's interop test certificates (server1.pem, server1.key, ca.pem): "
            "pass --certs_dir=DIR or set " + CERTS_ENV)
    return directory


def read_cert(directory, name):
    path = os.path.join(directory, name)
    try:
        with open(path, "rb") as f:
            return f.read()
    except OSError as e:
        raise UsageError("cannot read %s: %s" % (path, e))


def _sources(proto_dir):
    return ((proto_dir, INTEROP_PROTOS + ORCA_PROTOS),)


def _fingerprint(proto_dir):
    digest = hashlib.sha256()
    import grpc_tools
    from google import protobuf
    digest.update(getattr(grpc_tools, "__file__", "").encode())
    digest.update(protobuf.__version__.encode())
    for root, names in _sources(proto_dir):
        for name in names:
            digest.update(name.encode())
            with open(os.path.join(root, name), "rb") as f:
                digest.update(f.read())
    digest.update(open(os.path.abspath(__file__), "rb").read())
    return digest.hexdigest()[:16]


def _generate(proto_dir, target):
    """Compiles the protos into target/interop_stubs/..., imports rewritten to that package."""
    from grpc_tools import protoc
    import grpc_tools

    sources = os.path.join(target, "src")
    for root, names in _sources(proto_dir):
        for name in names:
            with open(os.path.join(root, name), encoding="utf-8") as f:
                text = f.read()
            for prefix in ("grpc/testing/", "xds/"):
                text = text.replace('import "' + prefix, 'import "%s/%s' % (STUB_PACKAGE, prefix))
            destination = os.path.join(sources, STUB_PACKAGE, name)
            os.makedirs(os.path.dirname(destination), exist_ok=True)
            with open(destination, "w", encoding="utf-8") as f:
                f.write(text)
    well_known = os.path.join(os.path.dirname(grpc_tools.__file__), "_proto")
    args = ["grpc_tools.protoc", "-I" + sources, "-I" + well_known,
            "--python_out=" + target, "--grpc_python_out=" + target]
    args += [os.path.join(sources, STUB_PACKAGE, n) for n in INTEROP_PROTOS + ORCA_PROTOS]
    if protoc.main(args) != 0:
        raise RuntimeError("grpc_tools.protoc failed on " + " ".join(args[1:]))
    shutil.rmtree(sources)


class Stubs:
    """The generated modules: messages, empty, test (with _grpc), orca (with _grpc)."""

    def __init__(self, proto_dir=None, cache_dir=None):
        proto_dir = proto_dir or DEFAULT_PROTO_DIR
        for name in INTEROP_PROTOS:
            if not os.path.isfile(os.path.join(proto_dir, name)):
                raise UsageError("no %s under --proto_dir=%s" % (name, proto_dir))
        cache_dir = cache_dir or os.path.join(tempfile.gettempdir(), "shuttle-python-interop-stubs")
        directory = os.path.join(cache_dir, _fingerprint(proto_dir))
        if not os.path.isdir(os.path.join(directory, STUB_PACKAGE)):
            # Client and server may start at once: each generates aside, the first rename wins.
            os.makedirs(cache_dir, exist_ok=True)
            scratch = tempfile.mkdtemp(prefix="generating-", dir=cache_dir)
            try:
                _generate(proto_dir, scratch)
                try:
                    os.rename(scratch, directory)
                except OSError:
                    if not os.path.isdir(os.path.join(directory, STUB_PACKAGE)):
                        raise
            finally:
                shutil.rmtree(scratch, ignore_errors=True)
        sys.path.insert(0, directory)
        testing = STUB_PACKAGE + ".grpc.testing."
        self.empty = importlib.import_module(testing + "empty_pb2")
        self.messages = importlib.import_module(testing + "messages_pb2")
        self.test = importlib.import_module(testing + "test_pb2")
        self.test_grpc = importlib.import_module(testing + "test_pb2_grpc")
        self.orca_report = importlib.import_module(STUB_PACKAGE + ".xds.data.orca.v3.orca_load_report_pb2")
        self.orca = importlib.import_module(STUB_PACKAGE + ".xds.service.orca.v3.orca_pb2")
        self.orca_grpc = importlib.import_module(STUB_PACKAGE + ".xds.service.orca.v3.orca_pb2_grpc")


def print_cases(supported, unsupported, list_unsupported):
    """--list_cases: the supported case names, one a line; --list_unsupported_cases: name: reason."""
    if list_unsupported:
        for name, reason in unsupported.items():
            print("%s: %s" % (name, reason))
    else:
        for name in supported:
            print(name)
