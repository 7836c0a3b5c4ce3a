package dev.shuttle.cli;

import dev.shuttle.ServerContext;
import dev.shuttle.Status;
import dev.shuttle.StatusException;
import dev.shuttle.StreamSink;
import dev.shuttle.StreamSource;
import dev.shuttle.cli.test.EchoRequest;
import dev.shuttle.cli.test.EchoResponse;
import dev.shuttle.cli.test.EchoService;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/** The tests' Echo service on Shuttle: one method of each kind, and one that never answers. */
final class EchoServiceImpl extends EchoService {
  @Override
  public EchoResponse say(EchoRequest request, ServerContext context) {
    EchoResponse.Builder response = EchoResponse.newBuilder().setText(request.getText());
    for (String header : request.getEchoHeadersList()) {
      String value = context.requestMetadata().get(header);
      if (value != null) {
        response.putHeaders(header, value);
      }
    }
    context.responseHeaders().put("x-served-by", "shuttle-test");
    context.responseTrailers().put("x-outcome", "said");
    return response.build();
  }

  @Override
  public void repeat(EchoRequest request, StreamSink<EchoResponse> responses, ServerContext context) {
    for (int i = 1; i <= request.getTimes(); i++) {
      responses.send(EchoResponse.newBuilder().setText(request.getText()).setIndex(i).build());
    }
  }

  @Override
  public EchoResponse join(StreamSource<EchoRequest> requests, ServerContext context) {
    List<String> texts = new ArrayList<>();
    for (EchoRequest request : requests) {
      texts.add(request.getText());
    }
    return EchoResponse.newBuilder()
        .setText(String.join(" ", texts))
        .setStats(EchoResponse.Stats.newBuilder().setRequests(texts.size()))
        .build();
  }

  @Override
  public void chat(StreamSource<EchoRequest> requests, StreamSink<EchoResponse> responses, ServerContext context) {
    int index = 0;
    for (EchoRequest request : requests) {
      responses.send(EchoResponse.newBuilder().setText(request.getText().toUpperCase()).setIndex(++index).build());
    }
  }

  @Override
  public EchoResponse hang(EchoRequest request, ServerContext context) {
    CountDownLatch ended = new CountDownLatch(1);
    context.onCancel(ended::countDown);
    try {
      ended.await(60, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    throw new StatusException(Status.CANCELLED.withDescription("the call ended before an answer"));
  }
}
