package dev.shuttle.services.health;

import dev.shuttle.Server;
import dev.shuttle.services.health.v1.HealthCheckResponse.ServingStatus;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The serving status of a server and of each service on it, as its {@link HealthService}
 * ({@code grpc.health.v1.Health}) reports it to load balancers, Kubernetes' gRPC probes and
 * {@code grpc_health_probe}. The empty service name, {@link #SERVER}, is the whole server:
 * {@code SERVING} from the start. Other services are unknown ({@code NOT_FOUND} to
 * {@code Check}) until their status is set.
 *
 * <pre>{@code
 * HealthStatusManager health = new HealthStatusManager();
 * Server server = health.addTo(Server.builder().listen("0.0.0.0", 50051).service(new Greeter())).start();
 *
 * health.setStatus("demo.Greeter", ServingStatus.NOT_SERVING);   // say, while its database is down
 * health.setStatus("demo.Greeter", ServingStatus.SERVING);
 * }</pre>
 *
 * <p>{@link #addTo} serves the health service and marks everything {@code NOT_SERVING} as soon as
 * the server begins to shut down, so clients move away while its last calls finish. Safe to use
 * from any thread.
 */
public final class HealthStatusManager {
  /** The name that stands for the whole server, as the health protocol has it: the empty string. */
  public static final String SERVER = "";

  /**
   * Looked up at the first message, not when the class loads: finding the JDK's logger starts
   * its logging, some 30 ms of a cold start, and a server that logs nothing need not pay it.
   */
  private static final class Log {
    static final System.Logger LOG = System.getLogger(HealthStatusManager.class.getName());
  }

  private final ReentrantLock lock = new ReentrantLock();
  private final Map<String, ServingStatus> statuses = new HashMap<>();
  private final Map<String, Set<StatusWatch>> watches = new HashMap<>();
  private final HealthService service = new HealthService(this);
  private boolean terminal;
  private boolean serverShuttingDown;

  /** A manager whose whole server ({@link #SERVER}) is {@code SERVING} and knows no other service yet. */
  public HealthStatusManager() {
    statuses.put(SERVER, ServingStatus.SERVING);
  }

  /**
   * The health service to register on a server. {@link #addTo} registers it and also reports
   * {@code NOT_SERVING} once the server shuts down; prefer it when you have the builder.
   */
  public HealthService service() {
    return service;
  }

  /**
   * Serves {@link #service()} on the server {@code builder} builds, and enters the
   * {@linkplain #enterTerminalState terminal state} when that server begins to shut down (see
   * {@link Server.Builder#onShutdown}): from then on every service reads {@code NOT_SERVING}, and
   * each {@code Watch} sends that and ends, so the server's graceful shutdown is not held up by
   * clients watching. Returns {@code builder}.
   */
  public Server.Builder addTo(Server.Builder builder) {
    return builder.service(service).onShutdown(new OnServerShutdown());
  }

  /** A class, where a method reference would be one spun as the server starts. */
  private final class OnServerShutdown implements Runnable {
    @Override
    public void run() {
      serverShuttingDown();
    }
  }

  /**
   * Sets a service's status ({@code SERVING}, {@code NOT_SERVING} or {@code UNKNOWN}) and tells
   * its watchers if it changed. Ignored in the terminal state.
   *
   * @param service the fully qualified service name (e.g. {@code demo.Greeter}), or {@link #SERVER}
   * @throws IllegalArgumentException for {@code SERVICE_UNKNOWN} (use {@link #clearStatus}) or an
   *     unrecognised value
   */
  public void setStatus(String service, ServingStatus status) {
    Objects.requireNonNull(service, "service");
    Objects.requireNonNull(status, "status");
    if (status == ServingStatus.SERVICE_UNKNOWN || status == ServingStatus.UNRECOGNIZED) {
      throw new IllegalArgumentException(status + " cannot be set; clearStatus forgets a service");
    }
    lock.lock();
    try {
      if (terminal) {
        Log.LOG.log(System.Logger.Level.DEBUG, "terminal state: ignored status {0} for \"{1}\"", status, service);
        return;
      }
      update(service, status);
    } finally {
      lock.unlock();
    }
  }

  /**
   * Forgets a service: {@code Check} answers {@code NOT_FOUND} for it again and its watchers read
   * {@code SERVICE_UNKNOWN}. Ignored in the terminal state.
   */
  public void clearStatus(String service) {
    Objects.requireNonNull(service, "service");
    lock.lock();
    try {
      if (terminal) {
        Log.LOG.log(System.Logger.Level.DEBUG, "terminal state: ignored clearing \"{0}\"", service);
        return;
      }
      update(service, null);
    } finally {
      lock.unlock();
    }
  }

  /**
   * Marks the whole server and every service known {@code NOT_SERVING} for good: later
   * {@link #setStatus} and {@link #clearStatus} calls are ignored. For a server about to go away;
   * {@link #addTo} does it when the server's shutdown begins. Watches stay open and see the
   * change.
   */
  public void enterTerminalState() {
    lock.lock();
    try {
      if (terminal) {
        return;
      }
      terminal = true;
      update(SERVER, ServingStatus.NOT_SERVING);
      for (String service : List.copyOf(statuses.keySet())) {
        update(service, ServingStatus.NOT_SERVING);
      }
    } finally {
      lock.unlock();
    }
  }

  /** The server's shutdown has begun: terminal state, and every watch sends what it has left and ends. */
  private void serverShuttingDown() {
    List<StatusWatch> open = new ArrayList<>();
    lock.lock();
    try {
      enterTerminalState();
      serverShuttingDown = true;
      watches.values().forEach(open::addAll);
    } finally {
      lock.unlock();
    }
    open.forEach(StatusWatch::finish);
  }

  /** Under the lock: records the status (null: unknown) and tells the service's watchers of a change. */
  private void update(String service, ServingStatus status) {
    ServingStatus previous = status == null ? statuses.remove(service) : statuses.put(service, status);
    if (previous == status) {
      return;
    }
    ServingStatus watched = status == null ? ServingStatus.SERVICE_UNKNOWN : status;
    for (StatusWatch watch : watches.getOrDefault(service, Set.of())) {
      watch.offer(watched);
    }
  }

  /** The service's status, or null when unknown. */
  ServingStatus status(String service) {
    lock.lock();
    try {
      return statuses.get(service);
    } finally {
      lock.unlock();
    }
  }

  /** Every known service's status, by name. */
  Map<String, ServingStatus> statuses() {
    lock.lock();
    try {
      return new TreeMap<>(statuses);
    } finally {
      lock.unlock();
    }
  }

  /**
   * Starts watching a service: the watch holds its current status from the same moment it
   * starts hearing of changes, so none is missed.
   */
  StatusWatch watch(String service) {
    lock.lock();
    try {
      StatusWatch watch = new StatusWatch(service, statuses.getOrDefault(service, ServingStatus.SERVICE_UNKNOWN));
      if (serverShuttingDown) {
        watch.finish();
      } else {
        watches.computeIfAbsent(service, name -> new HashSet<>()).add(watch);
      }
      return watch;
    } finally {
      lock.unlock();
    }
  }

  /** Stops telling {@code watch} of changes; a name nobody watches any more is forgotten. */
  void unwatch(StatusWatch watch) {
    lock.lock();
    try {
      Set<StatusWatch> forService = watches.get(watch.service());
      if (forService != null && forService.remove(watch) && forService.isEmpty()) {
        watches.remove(watch.service());
      }
    } finally {
      lock.unlock();
    }
  }
}
