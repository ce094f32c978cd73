package io.promptyard.testkit.provider;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.io.OutputStream;
import java.time.Clock;
import java.util.Optional;

/**
 * Serves {@code POST /v1/chat/completions}: validate, rate-limit, wait, maybe fail, answer
 * (blocking or streamed).
 */
final class ChatCompletionsEndpoint {

  private final ChatRequestParser parser;
  private final AnswerGenerator generator;
  private final CompletionBodies bodies;
  private final Optional<RateLimiter> limiter;
  private final FaultInjector faults;
  private final Clock clock;

  ChatCompletionsEndpoint(ObjectMapper mapper, SimulatorConfig config, Clock clock) {
    this.parser = new ChatRequestParser(mapper);
    this.generator = new AnswerGenerator(mapper);
    this.bodies = new CompletionBodies(mapper);
    this.limiter =
        config.rateLimited()
            ? Optional.of(
                new RateLimiter(
                    config.requestsPerMinute(), config.tokensPerMinute(), System::nanoTime))
            : Optional.empty();
    this.faults =
        new FaultInjector(config.errorRate(), config.faults(), config.latency(), config.seed());
    this.clock = clock;
  }

  /**
   * The request body, read to its announced length when there is one: {@code readAllBytes} alone
   * allocates 16 KB for a body of a few hundred bytes, the simulator's largest allocation under
   * load.
   */
  static byte[] body(HttpExchange exchange) throws IOException {
    String length = exchange.getRequestHeaders().getFirst("Content-Length");
    if (length != null && length.matches("\\d{1,9}")) {
      return exchange.getRequestBody().readNBytes(Integer.parseInt(length));
    }
    return exchange.getRequestBody().readAllBytes();
  }

  void handle(HttpExchange exchange, Reply reply, String completionId)
      throws ApiException, IOException, InterruptedException {
    ChatRequest request = parser.parse(body(exchange));
    if (limiter.isPresent()) {
      admit(limiter.get(), request, reply);
    }
    Thread.sleep(faults.nextDelayMillis());
    switch (faults.next()) {
      case FaultInjector.Fault.Fails f -> throw new ApiException(f.error());
      case FaultInjector.Fault.Hangs h -> Thread.sleep(h.millis());
      case FaultInjector.Fault.None n -> {}
    }
    Answer answer = generator.answer(request);
    CompletionBodies.Meta meta =
        new CompletionBodies.Meta(
            completionId,
            clock.instant().getEpochSecond(),
            request.model(),
            RequestIds.systemFingerprint(request.model()));
    if (request.stream()) {
      OutputStream out = reply.startEventStream();
      for (JsonNode chunk :
          bodies.chunks(meta, answer, request.promptTokens(), request.includeUsage())) {
        reply.event(out, chunk);
      }
      reply.event(out, "[DONE]");
      out.close();
    } else {
      reply.json(200, bodies.completion(meta, answer, request.promptTokens()));
    }
  }

  private static void admit(RateLimiter limiter, ChatRequest request, Reply reply)
      throws ApiException {
    switch (limiter.acquire(request.model(), request.estimatedTokens())) {
      case RateLimiter.Decision.Admitted admitted -> reply.headers(admitted.headers());
      case RateLimiter.Decision.Rejected rejected -> {
        reply.headers(rejected.headers());
        long waitMillis = Math.max(1, RateLimiter.ceilMillis(rejected.retryAfterNanos()));
        reply.header("Retry-After", Long.toString((waitMillis + 999) / 1000));
        reply.header("retry-after-ms", Long.toString(waitMillis));
        throw new ApiException(rejected.error());
      }
    }
  }
}
