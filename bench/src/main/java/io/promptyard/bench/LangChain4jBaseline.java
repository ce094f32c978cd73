package io.promptyard.bench;

import dev.langchain4j.exception.RateLimitException;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.openai.OpenAiChatModel;
import io.github.resilience4j.core.IntervalFunction;
import io.github.resilience4j.retry.Retry;
import io.github.resilience4j.retry.RetryConfig;
import io.promptyard.testkit.provider.SimulatedProvider;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * What one would write with a popular SDK: LangChain4j's OpenAI client pointed at the provider,
 * every job on a virtual thread at once, 429s retried by resilience4j with exponential back-off and
 * jitter (LangChain4j's own retries off, so that resilience4j alone decides).
 */
final class LangChain4jBaseline {

  /** Attempts per job, the first included; then the job is given up. */
  static final int MAX_ATTEMPTS = 10;

  private LangChain4jBaseline() {}

  static VsBaselinesBenchmark.Run run(SimulatedProvider provider, List<String> prompts)
      throws InterruptedException {
    ChatModel model =
        OpenAiChatModel.builder()
            .baseUrl(provider.baseUrl())
            .apiKey("not-needed")
            .modelName(VsBaselinesBenchmark.MODEL)
            .maxTokens(VsBaselinesBenchmark.MAX_TOKENS)
            .maxRetries(0)
            .timeout(Duration.ofSeconds(60))
            .build();
    Retry retry =
        Retry.of(
            "provider",
            RetryConfig.custom()
                .maxAttempts(MAX_ATTEMPTS)
                .intervalFunction(
                    IntervalFunction.ofExponentialRandomBackoff(
                        Duration.ofSeconds(1), 2.0, 0.5, Duration.ofSeconds(30)))
                .retryOnException(e -> e instanceof RateLimitException)
                .build());
    long start = System.nanoTime();
    int ok = 0;
    try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
      List<Future<String>> answers = new ArrayList<>();
      for (String prompt : prompts) {
        answers.add(threads.submit(() -> retry.executeSupplier(() -> model.chat(prompt))));
      }
      for (Future<String> answer : answers) {
        try {
          answer.get();
          ok++;
        } catch (ExecutionException e) {
          // given up after MAX_ATTEMPTS, or failed otherwise: counted as not succeeded
        }
      }
    }
    double makespan = (System.nanoTime() - start) / 1e9;
    return new VsBaselinesBenchmark.Run(
        makespan, prompts.size(), ok, provider.requestsServed(), provider.rateLimitedResponses());
  }
}
