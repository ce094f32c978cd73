package io.promptyard.worker;

import io.promptyard.catalog.Usage;
import io.promptyard.providers.ChatChunk;
import io.promptyard.providers.ChatProvider;
import io.promptyard.providers.ChatRequest;
import io.promptyard.providers.ChatResponse;
import io.promptyard.providers.ProviderException;
import io.promptyard.providers.RateLimits;
import io.promptyard.schemas.ErrorCode;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * A provider named {@code sim} whose calls for the chosen request ids do not answer until the test
 * releases them; the others answer at once. It counts the calls it received, held or not.
 */
public final class HeldProvider implements ChatProvider {

  private final CountDownLatch release = new CountDownLatch(1);
  private final AtomicInteger calls = new AtomicInteger();
  private final AtomicInteger heldCalls = new AtomicInteger();
  private final Predicate<String> held;
  private final String answer;
  private volatile boolean failFirstCall;

  private HeldProvider(Predicate<String> held, String answer) {
    this.held = held;
    this.answer = answer;
  }

  /** Holds every call. */
  public static HeldProvider holdingAll(String answer) {
    return new HeldProvider(id -> true, answer);
  }

  /** Holds the calls whose request id matches; answers the others at once. */
  public static HeldProvider holding(Predicate<String> requestIds, String answer) {
    return new HeldProvider(requestIds, answer);
  }

  /** Makes the first call, once released, fail with a non-retryable 400. */
  public HeldProvider failingFirstCall() {
    failFirstCall = true;
    return this;
  }

  /** Lets every held call, and every later one, answer. */
  public void release() {
    release.countDown();
  }

  public int calls() {
    return calls.get();
  }

  /** Calls that were (or are) held. */
  public int heldCalls() {
    return heldCalls.get();
  }

  @Override
  public String name() {
    return "sim";
  }

  @Override
  public ChatResponse complete(ChatRequest request) throws ProviderException {
    int call = calls.incrementAndGet();
    if (held.test(request.requestId())) {
      heldCalls.incrementAndGet();
      try {
        release.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    if (failFirstCall && call == 1) {
      throw new ProviderException(
          ErrorCode.INVALID_REQUEST, false, 400, "bad request", RateLimits.UNKNOWN, null);
    }
    return new ChatResponse(
        answer, List.of(), "stop", new Usage(20, 3, 0, 0), request.model(), RateLimits.UNKNOWN);
  }

  @Override
  public ChatResponse stream(ChatRequest request, Consumer<ChatChunk> onChunk)
      throws ProviderException {
    return complete(request);
  }
}
