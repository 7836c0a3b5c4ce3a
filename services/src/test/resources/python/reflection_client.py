"""A reflection client written against Python grpcio, as a tool like grpcurl works.

Usage: reflection_client.py HOST:PORT STUBS_DIR

STUBS_DIR holds reflection_v1_pb2(_grpc).py, made by grpc_tools from grpc/reflection/v1 (renamed
so that it does not hide the grpc package). On one stream it lists the services, fetches the file
declaring shuttle.reflection.test.Zoo, asks for a file that does not exist, then lists again.
From the file descriptors alone it builds a fresh descriptor pool (which checks every reference)
and prints what it learnt, a key=value line each.
"""
import sys

import grpc
from google.protobuf import descriptor_pb2, descriptor_pool

sys.path.insert(0, sys.argv[2])
import reflection_v1_pb2 as pb  # noqa: E402
import reflection_v1_pb2_grpc as pb_grpc  # noqa: E402


def build_pool(serialized_files):
    files = [descriptor_pb2.FileDescriptorProto.FromString(data) for data in serialized_files]
    pool = descriptor_pool.DescriptorPool()
    added = set()
    while len(added) < len(files):
        progressed = False
        for f in files:
            if f.name not in added and all(d in added for d in f.dependency):
                pool.Add(f)
                added.add(f.name)
                progressed = True
        if not progressed:
            raise SystemExit("dependencies missing: %s" % [f.name for f in files if f.name not in added])
    return pool, [f.name for f in files]


def main():
    requests = [
        pb.ServerReflectionRequest(list_services=""),
        pb.ServerReflectionRequest(file_containing_symbol="shuttle.reflection.test.Zoo"),
        pb.ServerReflectionRequest(file_by_filename="no/such.proto"),
        pb.ServerReflectionRequest(list_services=""),
    ]
    with grpc.insecure_channel(sys.argv[1]) as channel:
        stub = pb_grpc.ServerReflectionStub(channel)
        responses = list(stub.ServerReflectionInfo(iter(requests), timeout=30))
    pool, sent = build_pool(responses[1].file_descriptor_response.file_descriptor_proto)
    zoo = pool.FindServiceByName("shuttle.reflection.test.Zoo")
    tagged = pool.FindMessageTypeByName("shuttle.reflection.test.Tagged")
    facts = {
        "services": ",".join(s.name for s in responses[0].list_services_response.service),
        "files": ",".join(sent),
        "feed": zoo.methods_by_name["Feed"].input_type.full_name + "->" + zoo.methods_by_name["Feed"].output_type.full_name,
        "extension100": pool.FindExtensionByNumber(tagged, 100).full_name,
        "missing": responses[2].error_response.error_code,
        "servicesAgain": len(responses[3].list_services_response.service),
    }
    for key, value in facts.items():
        print("%s=%s" % (key, value))


if __name__ == "__main__":
    main()
