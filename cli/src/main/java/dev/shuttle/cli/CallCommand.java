package dev.shuttle.cli;

import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.GenericDescriptor;
import com.google.protobuf.Descriptors.MethodDescriptor;
import com.google.protobuf.Descriptors.ServiceDescriptor;
import com.google.protobuf.DynamicMessage;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.TypeRegistry;
import com.google.protobuf.util.JsonFormat;
import dev.shuttle.BidiCall;
import dev.shuttle.CallOptions;
import dev.shuttle.Channel;
import dev.shuttle.ClientStreamingCall;
import dev.shuttle.Metadata;
import dev.shuttle.MethodType;
import dev.shuttle.ResponseMetadata;
import dev.shuttle.ResponseStream;
import dev.shuttle.Status;
import dev.shuttle.StatusException;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Reader;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;

/**
 * {@code shuttle call HOST:PORT SERVICE/METHOD}: JSON requests in, JSON responses out, for all
 * four kinds of method. Messages are {@link DynamicMessage}s built from the method's descriptors;
 * protobuf-java-util's JsonFormat turns them into JSON and back.
 */
final class CallCommand {
  private final CommandLine line;
  private final Terminal terminal;
  private final ResponseMetadata received = new ResponseMetadata();
  private JsonFormat.Parser parser;
  private JsonFormat.Printer printer;

  private CallCommand(CommandLine line, Terminal terminal) {
    this.line = line;
    this.terminal = terminal;
  }

  static int run(CommandLine line, Terminal terminal) {
    return new CallCommand(line, terminal).run();
  }

  private int run() {
    List<String> args = line.positional(2, 2, "HOST:PORT SERVICE/METHOD");
    String[] name = splitMethod(args.get(1));
    try (Connection connection = Connection.open(args.get(0), line, null)) {
      MethodDescriptor method;
      try (DescriptorSource source = Descriptors.open(line, connection)) {
        method = method(source, name[0], name[1]);
      }
      TypeRegistry types = TypeRegistry.newBuilder().add(method.getInputType()).add(method.getOutputType()).build();
      parser = JsonFormat.parser().usingTypeRegistry(types);
      printer = JsonFormat.printer().usingTypeRegistry(types).omittingInsignificantWhitespace();
      dev.shuttle.MethodDescriptor<DynamicMessage, DynamicMessage> rpc = dev.shuttle.MethodDescriptor.of(
          type(method), method.getService().getFullName(), method.getName(),
          new DynamicMarshaller(method.getInputType()), new DynamicMarshaller(method.getOutputType()));
      CallOptions options = connection.options().withResponseMetadata(received);
      try {
        call(connection.channel(), rpc, method.getInputType(), options);
      } catch (StatusException e) {
        terminal.out().flush();
        terminal.err().println("shuttle: " + e.code() + ": " + (e.status().description() == null ? "" : e.status().description()));
        printMetadata(e.trailers(), e.status());
        return ExitCodes.RPC_FAILED;
      }
      printMetadata(received.trailers(), Status.OK);
      return ExitCodes.OK;
    }
  }

  private void call(
      Channel channel,
      dev.shuttle.MethodDescriptor<DynamicMessage, DynamicMessage> rpc,
      Descriptor requestType,
      CallOptions options) {
    switch (rpc.type()) {
      case UNARY -> print(channel.unaryCall(rpc, onlyRequest(requestType), options));
      case SERVER_STREAMING -> {
        try (ResponseStream<DynamicMessage> responses = channel.serverStreamingCall(rpc, onlyRequest(requestType), options)) {
          for (DynamicMessage response : responses) {
            print(response);
          }
        }
      }
      case CLIENT_STREAMING -> {
        try (ClientStreamingCall<DynamicMessage, DynamicMessage> call = channel.clientStreamingCall(rpc, options);
            Reader input = requests(true)) {
          JsonObjectReader reader = new JsonObjectReader(input);
          for (String json = reader.next(); json != null; json = reader.next()) {
            call.send(parse(json, requestType));
          }
          print(call.finish());
        } catch (IOException e) {
          throw CliException.badInput("cannot read the requests: " + e.getMessage(), e);
        }
      }
      case BIDI_STREAMING -> bidi(channel.bidiStreamingCall(rpc, options), requestType);
    }
  }

  /**
   * Sends as the input comes, on a thread of its own, while this one prints responses as they
   * come: a server may answer each request before the next is typed.
   */
  private void bidi(BidiCall<DynamicMessage, DynamicMessage> call, Descriptor requestType) {
    AtomicReference<RuntimeException> inputFailure = new AtomicReference<>();
    try (call) {
      Thread sender = Thread.ofVirtual().name("shuttle-call-sender").start(() -> {
        try (Reader input = requests(true)) {
          JsonObjectReader reader = new JsonObjectReader(input);
          for (String json = reader.next(); json != null; json = reader.next()) {
            call.send(parse(json, requestType));
          }
          call.halfClose();
        } catch (StatusException e) {
          // The call has ended; receiving reports how.
        } catch (IOException e) {
          inputFailure.set(CliException.badInput("cannot read the requests: " + e.getMessage(), e));
          call.close();
        } catch (RuntimeException e) {
          inputFailure.set(e);
          call.close();
        }
      });
      try {
        for (DynamicMessage response : call) {
          print(response);
        }
      } catch (StatusException e) {
        if (inputFailure.get() != null) {
          throw inputFailure.get();
        }
        throw e;
      }
      if (inputFailure.get() != null) {
        throw inputFailure.get();
      }
      // The server may end the call before we have sent everything; a sender still reading
      // stdin then is left behind (a daemon thread), as the process is about to exit.
      sender.interrupt();
    }
  }

  /** The one request of a unary or server-streaming call. */
  private DynamicMessage onlyRequest(Descriptor requestType) {
    List<String> objects = new ArrayList<>();
    try (Reader input = requests(false)) {
      JsonObjectReader reader = new JsonObjectReader(input);
      for (String json = reader.next(); json != null; json = reader.next()) {
        objects.add(json);
      }
    } catch (IOException e) {
      throw CliException.badInput("cannot read the request: " + e.getMessage(), e);
    }
    if (objects.size() != 1) {
      throw CliException.badInput("this method takes exactly one request; got " + objects.size(), null);
    }
    return parse(objects.get(0), requestType);
  }

  /** Where the requests come from: -d's text, file or stdin; without -d, {} or stdin. */
  private Reader requests(boolean clientStreams) {
    String data = line.data;
    if (data == null) {
      data = clientStreams ? "-" : "{}";
    }
    if (data.equals("-")) {
      return new InputStreamReader(terminal.in(), StandardCharsets.UTF_8);
    }
    if (data.startsWith("@")) {
      Path file = Path.of(data.substring(1));
      try {
        return Files.newBufferedReader(file, StandardCharsets.UTF_8);
      } catch (IOException e) {
        throw CliException.badInput("cannot read " + file + ": " + e, e);
      }
    }
    return new StringReader(data);
  }

  private DynamicMessage parse(String json, Descriptor type) {
    DynamicMessage.Builder builder = DynamicMessage.newBuilder(type);
    try {
      parser.merge(json, builder);
    } catch (InvalidProtocolBufferException | RuntimeException e) {
      throw CliException.badInput("the request is not a valid " + type.getFullName() + " in JSON: " + e.getMessage() + "\n  " + json, e);
    }
    return builder.build();
  }

  private void print(DynamicMessage message) {
    try {
      terminal.out().println(printer.print(message));
      terminal.out().flush();
    } catch (InvalidProtocolBufferException e) {
      // An Any holding a type the descriptors do not include, most often.
      throw CliException.withCode(ExitCodes.RPC_FAILED, "cannot print a response as JSON: " + e.getMessage());
    }
  }

  private void printMetadata(Metadata trailers, Status status) {
    if (!line.verbose) {
      return;
    }
    terminal.err().println("response headers:");
    printEntries(received.headers());
    terminal.err().println("response trailers:");
    printEntries(trailers == null ? received.trailers() : trailers);
    terminal.err().println("status: " + status.code() + (status.description() == null ? "" : " " + status.description()));
  }

  private void printEntries(Metadata metadata) {
    metadata.forEachWireEntry((key, value) -> terminal.err().println("  " + key + ": " + value));
  }

  private static MethodDescriptor method(DescriptorSource source, String serviceName, String methodName) {
    GenericDescriptor found = Descriptors.find(source, serviceName);
    if (!(found instanceof ServiceDescriptor service)) {
      throw CliException.notFound("no service " + serviceName + " on the server"
          + (found == null ? "" : " (" + serviceName + " is not a service)"));
    }
    MethodDescriptor method = service.findMethodByName(methodName);
    if (method == null) {
      throw CliException.notFound("no method " + methodName + " in " + serviceName + "; it has: "
          + service.getMethods().stream().map(MethodDescriptor::getName).collect(Collectors.joining(", ")));
    }
    return method;
  }

  /** {@code pkg.Service/Method} or {@code pkg.Service.Method}. */
  private static String[] splitMethod(String name) {
    String trimmed = name.startsWith("/") ? name.substring(1) : name;
    int split = trimmed.indexOf('/');
    if (split < 0) {
      split = trimmed.lastIndexOf('.');
    }
    if (split <= 0 || split == trimmed.length() - 1) {
      throw CliException.usage("expected SERVICE/METHOD, e.g. grpc.health.v1.Health/Check; got " + name);
    }
    return new String[] {trimmed.substring(0, split), trimmed.substring(split + 1)};
  }

  private static MethodType type(MethodDescriptor method) {
    if (method.isClientStreaming()) {
      return method.isServerStreaming() ? MethodType.BIDI_STREAMING : MethodType.CLIENT_STREAMING;
    }
    return method.isServerStreaming() ? MethodType.SERVER_STREAMING : MethodType.UNARY;
  }
}
