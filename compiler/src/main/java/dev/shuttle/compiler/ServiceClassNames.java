package dev.shuttle.compiler;

/**
 * The simple names a service's generated classes ask for, before {@link ClassNameAllocator} makes
 * them unique. The base class is the service name with {@code Service} appended, unless it
 * already ends in {@code Service} (exactly so written), in which case it is the service name
 * itself: {@code Greeter} gives {@code GreeterService}, {@code UserService} gives {@code
 * UserService} rather than {@code UserServiceService}. The client is always the service name with
 * {@code Client} appended: {@code GreeterClient}, {@code UserServiceClient}.
 */
final class ServiceClassNames {
  private static final String BASE_SUFFIX = "Service";
  private static final String CLIENT_SUFFIX = "Client";

  private ServiceClassNames() {}

  static String baseClass(String serviceName) {
    return serviceName.endsWith(BASE_SUFFIX) ? serviceName : serviceName + BASE_SUFFIX;
  }

  static String clientClass(String serviceName) {
    return serviceName + CLIENT_SUFFIX;
  }
}
