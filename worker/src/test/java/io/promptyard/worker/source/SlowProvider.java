package io.promptyard.worker.source;

import io.promptyard.catalog.Usage;
import io.promptyard.providers.ChatChunk;
import io.promptyard.providers.ChatProvider;
import io.promptyard.providers.ChatRequest;
import io.promptyard.providers.ChatResponse;
import io.promptyard.providers.RateLimits;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * A provider that takes its time: every call lasts a fixed latency, and a request can be held until
 * the test lets it go. It counts the calls it received per request id.
 */
final class SlowProvider implements ChatProvider {

  private final Duration latency;
  private final Map<String, AtomicInteger> calls = new ConcurrentHashMap<>();
  private final Map<String, CountDownLatch> held = new ConcurrentHashMap<>();
  private final AtomicInteger running = new AtomicInteger();
  private final AtomicInteger mostRunning = new AtomicInteger();

  SlowProvider(Duration latency) {
    this.latency = latency;
  }

  /** Calls for {@code requestId} do not answer until {@link #release(String)}. */
  void hold(String requestId) {
    held.put(requestId, new CountDownLatch(1));
  }

  void release(String requestId) {
    held.get(requestId).countDown();
  }

  int calls(String requestId) {
    AtomicInteger n = calls.get(requestId);
    return n == null ? 0 : n.get();
  }

  Map<String, Integer> calls() {
    Map<String, Integer> copy = new java.util.HashMap<>();
    calls.forEach((id, n) -> copy.put(id, n.get()));
    return copy;
  }

  /** The most calls that were running at the same time. */
  int mostRunningAtOnce() {
    return mostRunning.get();
  }

  @Override
  public String name() {
    return "sim";
  }

  @Override
  public ChatResponse complete(ChatRequest request) {
    calls.computeIfAbsent(request.requestId(), id -> new AtomicInteger()).incrementAndGet();
    mostRunning.accumulateAndGet(running.incrementAndGet(), Math::max);
    try {
      CountDownLatch gate = held.get(request.requestId());
      if (gate != null) {
        gate.await();
      }
      // the provider's own latency, not a test waiting for a result
      Thread.sleep(latency);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    } finally {
      running.decrementAndGet();
    }
    return new ChatResponse(
        "answer to " + request.requestId(),
        List.of(),
        "stop",
        new Usage(10, 5, 0, 0),
        request.model(),
        RateLimits.UNKNOWN);
  }

  @Override
  public ChatResponse stream(ChatRequest request, Consumer<ChatChunk> onChunk) {
    return complete(request);
  }
}
