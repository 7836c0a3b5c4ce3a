import grpc
import test_pb2_grpc, test_pb2


def run():
    # 设置服务器地址
    channel = grpc.insecure_channel("127.0.0.1:8888")
    stub = test_pb2_grpc.TestServerStub(channel)

    # 调用远程函数 GetRandom 是自己在 proto 里面定义的方法
    response = stub.GetRandom(test_pb2.Request(id="123"))
    print(response)
    print(response.random)


if __name__ == "__main__":
    run()

