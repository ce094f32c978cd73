package io.promptyard.worker.job;

import io.promptyard.catalog.Usage;
import io.promptyard.providers.ChatChunk;
import io.promptyard.providers.ChatProvider;
import io.promptyard.providers.ChatRequest;
import io.promptyard.providers.ChatResponse;
import io.promptyard.providers.ProviderException;
import io.promptyard.providers.RateLimits;
import io.promptyard.schemas.ErrorCode;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.function.Consumer;

/**
 * A provider that answers each call with the next step of a script and records what it was asked; a
 * call beyond the script fails the test, so an unexpected provider call is never silent.
 */
final class ScriptedProvider implements ChatProvider {

  /** One scripted call. */
  @FunctionalInterface
  interface Step {
    ChatResponse run(ChatRequest request, Consumer<ChatChunk> chunks) throws ProviderException;
  }

  /** How the worker called the provider. */
  enum Method {
    COMPLETE,
    STREAM
  }

  /** One call as the provider received it. */
  record Call(Method method, ChatRequest request) {}

  private final String name;
  private final Deque<Step> script = new ArrayDeque<>();
  private final List<Call> calls = new ArrayList<>();
  private List<String> keyIds = List.of();

  ScriptedProvider(String name) {
    this.name = name;
  }

  /** The next call answers {@code text} with {@code usage}. */
  ScriptedProvider answers(String text, Usage usage) {
    script.add((request, chunks) -> response(request, text, usage));
    return this;
  }

  /**
   * The next call streams {@code deltas}, the last with finish reason stop, and returns their
   * concatenation.
   */
  ScriptedProvider streams(Usage usage, String... deltas) {
    script.add(
        (request, chunks) -> {
          for (int i = 0; i < deltas.length; i++) {
            chunks.accept(new ChatChunk(i, deltas[i], i == deltas.length - 1 ? "stop" : null));
          }
          return response(request, String.join("", deltas), usage);
        });
    return this;
  }

  /** The next call streams {@code deltas}, none of them the last, then fails with {@code code}. */
  ScriptedProvider streamsThenFails(
      ErrorCode code, boolean retryable, int httpStatus, String... deltas) {
    script.add(
        (request, chunks) -> {
          for (int i = 0; i < deltas.length; i++) {
            chunks.accept(new ChatChunk(i, deltas[i], null));
          }
          throw new ProviderException(
              code, retryable, httpStatus, "sim: stream broke off", RateLimits.UNKNOWN, null);
        });
    return this;
  }

  /** The next call runs {@code step}. */
  ScriptedProvider then(Step step) {
    script.add(step);
    return this;
  }

  /** The next {@code times} calls fail with {@code code}. */
  ScriptedProvider fails(
      int times, ErrorCode code, boolean retryable, int httpStatus, String message) {
    for (int i = 0; i < times; i++) {
      script.add(
          (request, chunks) -> {
            throw new ProviderException(
                code, retryable, httpStatus, message, RateLimits.UNKNOWN, null);
          });
    }
    return this;
  }

  /** The next call is rate limited, with the provider asking to wait {@code retryAfter}. */
  ScriptedProvider rateLimited(Duration retryAfter) {
    RateLimits advice = new RateLimits(null, null, null, null, null, null, retryAfter);
    script.add(
        (request, chunks) -> {
          throw new ProviderException(
              ErrorCode.RATE_LIMITED, true, 429, "sim: rate limit reached", advice, null);
        });
    return this;
  }

  /** The provider has these API keys (by id), for the worker to choose from. */
  ScriptedProvider withKeys(String... keyIds) {
    this.keyIds = List.of(keyIds);
    return this;
  }

  @Override
  public List<String> keyIds() {
    return keyIds;
  }

  List<Call> calls() {
    return List.copyOf(calls);
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public ChatResponse complete(ChatRequest request) throws ProviderException {
    return next(
        Method.COMPLETE,
        request,
        chunk -> {
          throw new AssertionError("complete() must not stream, got " + chunk);
        });
  }

  @Override
  public ChatResponse stream(ChatRequest request, Consumer<ChatChunk> onChunk)
      throws ProviderException {
    return next(Method.STREAM, request, onChunk);
  }

  private ChatResponse next(Method method, ChatRequest request, Consumer<ChatChunk> chunks)
      throws ProviderException {
    calls.add(new Call(method, request));
    Step step = script.poll();
    if (step == null) {
      throw new AssertionError(
          "unexpected provider call #" + calls.size() + " for request " + request.requestId());
    }
    return step.run(request, chunks);
  }

  private static ChatResponse response(ChatRequest request, String text, Usage usage) {
    return new ChatResponse(text, List.of(), "stop", usage, request.model(), RateLimits.UNKNOWN);
  }
}
