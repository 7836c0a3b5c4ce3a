package dev.shuttle;

import java.util.Collections;
import dev.shuttle.internal.InterceptedMethod;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

/**
 * A service: its fully qualified name and its methods, each bound to a handler. Generated base
 * classes build one; you can also build one by hand.
 *
 * <pre>{@code
 * ServiceDefinition echo = ServiceDefinition.builder("demo.Echo")
 *     .unary(ECHO_METHOD, (request, context) -> request)
 *     .build();
 * }</pre>
 *
 * <p>A definition may also carry its schema, for services such as server reflection that
 * describe what a server serves (see {@link #schemaDescriptor()}).
 */
public final class ServiceDefinition {
  private final String name;
  private final Map<String, ServerMethod<?, ?>> methods;
  private final Schema schema;

  private ServiceDefinition(String name, Map<String, ServerMethod<?, ?>> methods, Schema schema) {
    this.name = name;
    this.methods = Collections.unmodifiableMap(methods);
    this.schema = schema;
  }

  public static Builder builder(String serviceName) {
    return new Builder(serviceName);
  }

  /** The fully qualified service name, e.g. {@code helloworld.Greeter}. */
  public String name() {
    return name;
  }

  /** The methods, by method name (without the service). */
  public Map<String, ServerMethod<?, ?>> methods() {
    return methods;
  }

  /**
   * This service with {@code interceptors} around each of its methods, the first outermost;
   * interceptors of the server run outside them. See {@link ServerInterceptor}.
   *
   * <pre>{@code
   * Server.builder().service(new Greeter().bindService().withInterceptors(logging, auth))...
   * }</pre>
   */
  public ServiceDefinition withInterceptors(ServerInterceptor... interceptors) {
    List<ServerInterceptor> chain = List.of(interceptors);
    Map<String, ServerMethod<?, ?>> wrapped = new LinkedHashMap<>();
    methods.forEach((methodName, method) -> wrapped.put(methodName, InterceptedMethod.of(method, chain)));
    return new ServiceDefinition(name, wrapped, schema);
  }

  /**
   * What describes the service's schema, or {@code null} when nothing does (the default for a
   * definition built by hand). For a protobuf service it is the service's
   * {@code com.google.protobuf.Descriptors.ServiceDescriptor}, which generated base classes set;
   * core does not know protobuf, so the type is left to whoever reads it. A schema given as a
   * supplier is resolved on the first call, once.
   */
  public Object schemaDescriptor() {
    return schema.get();
  }

  /**
   * The schema, resolved when first asked for; a fixed one is resolved from the start. A
   * ReentrantLock rather than a monitor: a supplier may block (class loading), and on Java 21 a
   * virtual thread blocked in a monitor pins its carrier.
   */
  private static final class Schema {
    private static final Schema NONE = new Schema(null, null);
    private final ReentrantLock lock = new ReentrantLock();
    private Supplier<?> supplier; // guarded by lock; null once resolved
    private volatile Object value;

    private Schema(Object value, Supplier<?> supplier) {
      this.value = value;
      this.supplier = supplier;
    }

    Object get() {
      Object resolved = value;
      if (resolved == null && supplier != null) {
        lock.lock();
        try {
          if (supplier != null) {
            value = supplier.get();
            supplier = null;
          }
          resolved = value;
        } finally {
          lock.unlock();
        }
      }
      return resolved;
    }
  }

  /** Collects a service's methods. */
  public static final class Builder {
    private final String name;
    private final Map<String, ServerMethod<?, ?>> methods = new LinkedHashMap<>();
    private Schema schema = Schema.NONE;

    private Builder(String name) {
      this.name = name;
    }

    /**
     * Attaches the service's schema, returned by {@link ServiceDefinition#schemaDescriptor()}:
     * for protobuf, its {@code Descriptors.ServiceDescriptor}; {@code null} for none.
     *
     * <pre>{@code
     * builder.schemaDescriptor(EchoProto.getDescriptor().findServiceByName("Echo"));
     * }</pre>
     */
    public Builder schemaDescriptor(Object schemaDescriptor) {
      this.schema = schemaDescriptor == null ? Schema.NONE : new Schema(schemaDescriptor, null);
      return this;
    }

    /**
     * Attaches the service's schema as {@code supplier} will give it, when something first asks
     * for it: generated base classes do so, since building a {@code .proto} file's descriptors
     * costs a server tens of milliseconds of start-up that only reflection needs.
     *
     * <pre>{@code
     * builder.schemaDescriptor(() -> EchoProto.getDescriptor().findServiceByName("Echo"));
     * }</pre>
     */
    public Builder schemaDescriptor(Supplier<?> supplier) {
      this.schema = supplier == null ? Schema.NONE : new Schema(null, supplier);
      return this;
    }

    public <Req, Resp> Builder unary(MethodDescriptor<Req, Resp> method, UnaryHandler<Req, Resp> handler) {
      return add(new ServerMethod<>(method, handler));
    }

    public <Req, Resp> Builder serverStreaming(
        MethodDescriptor<Req, Resp> method, ServerStreamingHandler<Req, Resp> handler) {
      return add(new ServerMethod<>(method, handler));
    }

    public <Req, Resp> Builder clientStreaming(
        MethodDescriptor<Req, Resp> method, ClientStreamingHandler<Req, Resp> handler) {
      return add(new ServerMethod<>(method, handler));
    }

    public <Req, Resp> Builder bidiStreaming(
        MethodDescriptor<Req, Resp> method, BidiStreamingHandler<Req, Resp> handler) {
      return add(new ServerMethod<>(method, handler));
    }

    public Builder add(ServerMethod<?, ?> method) {
      MethodDescriptor<?, ?> d = method.descriptor();
      if (!d.serviceName().equals(name)) {
        throw new IllegalArgumentException(d.fullName() + " does not belong to service " + name);
      }
      if (methods.putIfAbsent(d.methodName(), method) != null) {
        throw new IllegalArgumentException("method bound twice: " + d.fullName());
      }
      return this;
    }

    public ServiceDefinition build() {
      return new ServiceDefinition(name, new LinkedHashMap<>(methods), schema);
    }
  }
}
