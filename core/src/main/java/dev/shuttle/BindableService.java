package dev.shuttle;

/** Something that can be served: generated service base classes implement it. */
public interface BindableService {
  /** The service's name and its methods with their handlers. */
  ServiceDefinition bindService();
}
