import grpc
import time
from concurrent import futures
import test_pb2_grpc, test_pb2
import random

# 这里需要继承 TestServerServicer ,也就是我们在 proto 里面定义的。
class Work(test_pb2_grpc.TestServerServicer):
		
    # 这里需要实现 proto 里面定义的方法
    def GetRandom(self, request, context):
        print(request)
        print(request.id)
        # Response 是自己在 proto 里面定义的消息，不是关键字。
        return test_pb2.Response(random=random.randint(10, 20))


def gRPC_server():
    # 设置多进程模式
    server = grpc.server(futures.ThreadPoolExecutor(max_workers=10))
    # 注册服务函数
    test_pb2_grpc.add_TestServerServicer_to_server(Work(), server)
    # 设置监听地址
    server.add_insecure_port("127.0.0.1:8888")
    # 服务开启
    server.start()

    try:
        while True:
            print("It's running ...")
            time.sleep(60)
    except KeyboardInterrupt:
        server.stop(0)


if __name__ == "__main__":
    gRPC_server()

