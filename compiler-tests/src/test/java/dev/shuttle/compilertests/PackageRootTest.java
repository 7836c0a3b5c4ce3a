package dev.shuttle.compilertests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import com.google.protobuf.Descriptors;
import dev.shuttle.BidiStreamingHandler;
import dev.shuttle.ClientStreamingHandler;
import dev.shuttle.ServerContext;
import dev.shuttle.ServerStreamingHandler;
import dev.shuttle.ServiceDefinition;
import dev.shuttle.StreamSink;
import dev.shuttle.StreamSource;
import dev.shuttle.UnaryHandler;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import service.api.Job;
import service.api.SchedulerService;

/**
 * Service Scheduler in package_roots.proto, whose Java package starts with {@code service}: the
 * generated code compiles, and each bound handler calls the method of its own rpc.
 */
class PackageRootTest {
  private final List<String> called = new ArrayList<>();
  private final Job answer = Job.newBuilder().setName("done").build();
  private final SchedulerService service =
      new SchedulerService() {
        @Override
        public Job run(Job request, ServerContext context) {
          called.add("run " + request.getName());
          return answer;
        }

        @Override
        public void watch(Job request, StreamSink<Job> responses, ServerContext context) {
          called.add("watch " + request.getName());
        }

        @Override
        public Job collect(StreamSource<Job> requests, ServerContext context) {
          called.add("collect");
          return answer;
        }

        @Override
        public void chat(StreamSource<Job> requests, StreamSink<Job> responses, ServerContext context) {
          called.add("chat");
        }
      };

  @Test
  @SuppressWarnings("unchecked")
  void eachHandlerCallsTheMethodOfItsRpc() {
    ServiceDefinition definition = service.bindService();
    Job job = Job.newBuilder().setName("j").build();
    var methods = definition.methods();
    assertSame(answer, ((UnaryHandler<Job, Job>) methods.get("Run").handler()).handle(job, null));
    ((ServerStreamingHandler<Job, Job>) methods.get("Watch").handler()).handle(job, null, null);
    assertSame(answer, ((ClientStreamingHandler<Job, Job>) methods.get("Collect").handler()).handle(null, null));
    ((BidiStreamingHandler<Job, Job>) methods.get("Chat").handler()).handle(null, null, null);
    assertEquals(List.of("run j", "watch j", "collect", "chat"), called);
  }

  @Test
  void theSchemaIsTheService() {
    var schema = (Descriptors.ServiceDescriptor) service.bindService().schemaDescriptor();
    assertEquals("shuttle.roots.Scheduler", schema.getFullName());
  }
}
