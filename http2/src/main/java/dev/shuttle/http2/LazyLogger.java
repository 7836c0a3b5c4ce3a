package dev.shuttle.http2;

import java.util.ResourceBundle;

/**
 * A {@link System.Logger} that looks up the real one at its first use. Finding the logger
 * finder and starting the JDK's logging behind it took some 30 ms of a server's start on one CPU
 * (a service lookup over the class path included), and a server that logs nothing on its way up
 * need not pay it before its first call.
 *
 * <pre>{@code
 * private static final System.Logger LOG = LazyLogger.of(Server.class);
 * }</pre>
 */
public final class LazyLogger implements System.Logger {
  private final String name;
  private volatile System.Logger logger;

  private LazyLogger(String name) {
    this.name = name;
  }

  /** The logger named after {@code owner}, as {@code System.getLogger(owner.getName())}. */
  public static System.Logger of(Class<?> owner) {
    return new LazyLogger(owner.getName());
  }

  private System.Logger logger() {
    System.Logger found = logger;
    if (found == null) {
      // Two threads may both look it up; the JDK hands them equivalent loggers.
      found = System.getLogger(name);
      logger = found;
    }
    return found;
  }

  @Override
  public String getName() {
    return name;
  }

  @Override
  public boolean isLoggable(Level level) {
    return logger().isLoggable(level);
  }

  @Override
  public void log(Level level, ResourceBundle bundle, String message, Throwable thrown) {
    logger().log(level, bundle, message, thrown);
  }

  @Override
  public void log(Level level, ResourceBundle bundle, String format, Object... params) {
    logger().log(level, bundle, format, params);
  }
}
