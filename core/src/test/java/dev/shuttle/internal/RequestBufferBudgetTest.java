package dev.shuttle.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.shuttle.Status;
import dev.shuttle.StatusException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class RequestBufferBudgetTest {
  @Test
  void aConnectionIsRefusedPastItsOwnLimit() {
    RequestBufferBudget budget = new RequestBufferBudget(1 << 20, 1000, 100);
    RequestBufferBudget.Connection connection = budget.newConnection();
    connection.reserve(1000);
    StatusException e = assertThrows(StatusException.class, () -> connection.reserve(1));
    assertEquals(Status.Code.RESOURCE_EXHAUSTED, e.code());
    assertEquals(1000, connection.held(), "a refused reservation holds nothing");
  }

  @Test
  void theGuaranteeIsServedEvenWhenOthersSpentTheServersTotal() {
    RequestBufferBudget budget = new RequestBufferBudget(500, 1000, 100);
    RequestBufferBudget.Connection greedy = budget.newConnection();
    greedy.reserve(600); // 100 guaranteed + the server's 500
    assertThrows(StatusException.class, () -> greedy.reserve(1));
    RequestBufferBudget.Connection quiet = budget.newConnection();
    quiet.reserve(100);
    assertThrows(StatusException.class, () -> quiet.reserve(1));
    assertEquals(700, budget.held(), "server + 2 x guarantee");
    greedy.release(600);
    quiet.reserve(400);
    assertEquals(500, budget.held());
  }

  @Test
  void noReadingOfTheTotalShowsMoreThanTheLimitsAllowWhileConnectionsTradeTheBudget() throws Exception {
    long serverLimit = 64 * 1024;
    RequestBufferBudget budget = new RequestBufferBudget(serverLimit, serverLimit, 0);
    AtomicBoolean running = new AtomicBoolean(true);
    AtomicLong worstReading = new AtomicLong();
    List<Thread> threads = new ArrayList<>();
    for (int t = 0; t < 3; t++) {
      RequestBufferBudget.Connection connection = budget.newConnection();
      threads.add(Thread.ofPlatform().start(() -> {
        while (running.get()) {
          try {
            connection.reserve(32 * 1024);
            connection.release(32 * 1024);
          } catch (StatusException refused) {
            // the others hold the budget for now
          }
        }
      }));
    }
    Thread reader = Thread.ofPlatform().start(() -> {
      while (running.get()) {
        worstReading.accumulateAndGet(budget.held(), Math::max);
      }
    });
    Thread.sleep(300);
    running.set(false);
    for (Thread thread : threads) {
      thread.join();
    }
    reader.join();
    assertTrue(worstReading.get() <= serverLimit, "held() read " + worstReading.get() + " > " + serverLimit);
    assertTrue(budget.peak() <= serverLimit, "peak " + budget.peak());
    assertEquals(0, budget.held());
  }
}
