package dev.shuttle.examples.seed;

import com.google.protobuf.TextFormat;
import dev.shuttle.ServerContext;
import java.io.PrintStream;
import java.util.concurrent.ThreadLocalRandom;

/** The seed's service: prints each request as the Python seed does and answers 10..20 at random. */
public final class Work extends TestServerService {
  /** The seed's range, both ends included (Python's {@code random.randint(10, 20)}). */
  static final int MIN = 10;

  static final int MAX = 20;

  private final PrintStream out;

  public Work() {
    this(System.out);
  }

  Work(PrintStream out) {
    this.out = out;
  }

  @Override
  public Response getRandom(Request request, ServerContext context) {
    // Python's print(request) writes the text format, which ends in a newline, then its own
    // newline; then print(request.id). One print call keeps concurrent requests from interleaving.
    out.print(TextFormat.printer().printToString(request) + "\n" + request.getId() + "\n");
    out.flush();
    return Response.newBuilder().setRandom(ThreadLocalRandom.current().nextInt(MIN, MAX + 1)).build();
  }
}
