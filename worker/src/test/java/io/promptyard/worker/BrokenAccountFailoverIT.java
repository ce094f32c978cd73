package io.promptyard.worker;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.matching.UrlPathPattern;
import io.promptyard.catalog.ModelCatalog;
import io.promptyard.providers.ChatProviders;
import io.promptyard.schemas.CircuitState;
import io.promptyard.schemas.CompletionResult;
import io.promptyard.schemas.ModelRef;
import io.promptyard.schemas.ProviderHealth;
import io.promptyard.schemas.ResultStatus;
import io.promptyard.schemas.config.CommonConfig;
import io.promptyard.schemas.serde.AvroSerde;
import io.promptyard.schemas.topics.TopicProvisioner;
import io.promptyard.schemas.topics.Topics;
import io.promptyard.testkit.kafka.EmbeddedKafka;
import io.promptyard.testkit.kafka.KafkaBrokerExtension;
import io.promptyard.testkit.provider.SimulatedProvider;
import io.promptyard.testkit.provider.SimulatorConfig;
import io.promptyard.worker.health.BreakerSettings;
import io.promptyard.worker.job.Backoff;
import io.promptyard.worker.job.JobPolicy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A provider account breaks in the middle of a run: OpenAI's key is revoked (401), then Groq's
 * account runs out of quota ({@code insufficient_quota}). Jobs routed to them move along their
 * fallback chains instead of dead-lettering, and the provider-health topic tells the router both
 * circuits are open. OpenAI and Groq are WireMock stubs of their APIs; the last resort is the
 * testkit's simulated provider; the broker is real.
 */
@ExtendWith(KafkaBrokerExtension.class)
class BrokenAccountFailoverIT {

  private static final String OPENAI_MODEL = "gpt-4.1-nano";
  private static final String GROQ_MODEL = "openai/gpt-oss-120b";
  private static final int JOBS_PER_PHASE = 30;

  private final String run = UUID.randomUUID().toString().substring(0, 8);
  private final Topics topics = new Topics("broken" + run + ".");
  private final AvroSerde<CompletionResult> results = AvroSerde.of(CompletionResult.class);
  private final AvroSerde<ProviderHealth> health = AvroSerde.of(ProviderHealth.class);
  private final WireMockServer accounts = new WireMockServer(options().dynamicPort());
  private SimulatedProvider sim;
  private WorkerApp worker;
  private RecordCollector collector;

  @AfterEach
  void stopAll() throws Exception {
    if (worker != null) {
      worker.close();
    }
    if (collector != null) {
      collector.close();
    }
    if (sim != null) {
      sim.close();
    }
    accounts.stop();
  }

  @Test
  void revokedKeyThenExhaustedQuotaFailOverAndEveryJobSucceedsWithNoDeadLetter(EmbeddedKafka kafka)
      throws Exception {
    // Given OpenAI and Groq answering, and jobs routed to OpenAI with Groq then sim as fallbacks
    accounts.start();
    answers("openai", 200, completion(OPENAI_MODEL));
    answers("groq", 200, completion(GROQ_MODEL));
    sim = SimulatedProvider.start(SimulatorConfig.defaults());
    worker = WorkerApp.start(config(kafka), spec -> ChatProviders.create(spec, keys()));
    collector =
        new RecordCollector(
            kafka.bootstrapServers(),
            List.of(topics.results(), topics.deadLetters(), topics.providerHealth()));
    List<String> sent = new ArrayList<>();
    int openAiCallsBeforeRevoke;
    try (RoutedJobs jobs =
        new RoutedJobs(
            kafka.bootstrapServers(),
            topics,
            "broken-" + run,
            new ModelRef("openai", OPENAI_MODEL),
            List.of(new ModelRef("groq", GROQ_MODEL), new ModelRef("sim", "sim-mini")))) {
      sent.addAll(send(jobs, "before"));
      awaitSucceeded(sent);
      assertThat(servedBy(sent)).containsOnly("openai");

      // When OpenAI's key is revoked mid-run
      openAiCallsBeforeRevoke = calls("openai");
      answers("openai", 401, OPENAI_INVALID_KEY);
      List<String> afterRevoke = send(jobs, "revoked");
      sent.addAll(afterRevoke);

      // Then its jobs are answered by Groq, the next in their chain
      awaitSucceeded(sent);
      assertThat(servedBy(afterRevoke)).containsOnly("groq");

      // When Groq's account runs out of quota as well
      answers("groq", 429, OPENAI_INSUFFICIENT_QUOTA);
      List<String> afterQuota = send(jobs, "quota");
      sent.addAll(afterQuota);

      // Then the simulated provider, last in the chain, answers them
      awaitSucceeded(sent);
      assertThat(servedBy(afterQuota)).containsOnly("sim");
    }

    // And no job was dead-lettered, each has exactly one result, and both broken providers'
    // circuits are reported open to the router
    assertThat(collector.records(topics.deadLetters())).isEmpty();
    assertThat(collector.records(topics.results())).hasSize(sent.size());
    await()
        .atMost(Duration.ofSeconds(20))
        .untilAsserted(
            () ->
                assertThat(latestStates())
                    .containsEntry("openai", CircuitState.OPEN)
                    .containsEntry("groq", CircuitState.OPEN)
                    .containsEntry("sim", CircuitState.CLOSED));
    // And the revoked account was not called once per job: its open circuit refused the rest
    assertThat(calls("openai") - openAiCallsBeforeRevoke)
        .as("calls to OpenAI for the %d jobs sent after its key was revoked", 2 * JOBS_PER_PHASE)
        .isLessThan(JOBS_PER_PHASE);
  }

  private static final String OPENAI_INVALID_KEY =
      """
      {"error":{"message":"Incorrect API key provided: sk-rev*****oked. You can find your API key at https://platform.openai.com/account/api-keys.","type":"invalid_request_error","param":null,"code":"invalid_api_key"}}""";

  private static final String OPENAI_INSUFFICIENT_QUOTA =
      """
      {"error":{"message":"You exceeded your current quota, please check your plan and billing details.","type":"insufficient_quota","param":null,"code":"insufficient_quota"}}""";

  private static String completion(String model) {
    return """
        {"id":"chatcmpl-1","object":"chat.completion","created":1733472000,"model":"%s",
         "choices":[{"index":0,"message":{"role":"assistant","content":"Fine."},"finish_reason":"stop"}],
         "usage":{"prompt_tokens":12,"completion_tokens":2,"total_tokens":14}}"""
        .formatted(model);
  }

  private void answers(String provider, int status, String body) {
    accounts.stubFor(
        post(path(provider))
            .willReturn(
                aResponse()
                    .withStatus(status)
                    .withHeader("Content-Type", "application/json")
                    .withBody(body)));
  }

  private int calls(String provider) {
    return accounts.findAll(postRequestedFor(path(provider))).size();
  }

  private static UrlPathPattern path(String provider) {
    return urlPathEqualTo("/" + provider + "/v1/chat/completions");
  }

  private WorkerConfig config(EmbeddedKafka kafka) {
    ModelCatalog catalog =
        ModelCatalog.bundled()
            .withBaseUrl("openai", accounts.baseUrl() + "/openai/v1")
            .withBaseUrl("groq", accounts.baseUrl() + "/groq/v1")
            .withBaseUrl("sim", sim.baseUrl())
            .restrictTo(p -> List.of("openai", "groq", "sim").contains(p.name()));
    CommonConfig common =
        new CommonConfig(kafka.bootstrapServers(), topics, new TopicProvisioner(2, (short) 1));
    return WorkerConfig.builder(
            common,
            catalog,
            List.of("openai", "groq", "sim"),
            topics.prefix() + "workers",
            new JobPolicy(
                3,
                new Backoff(Duration.ofMillis(5), Duration.ofMillis(100)),
                Duration.ofHours(1),
                Duration.ofHours(1)))
        .consumers(1, 10)
        .operations(
            new WorkerConfig.Operations(
                // a failure rate alone would need 20 calls to open a circuit
                new BreakerSettings(50, 20, Duration.ofSeconds(30), Duration.ofMinutes(5), 1, true),
                Duration.ofSeconds(1),
                Duration.ofSeconds(60),
                -1,
                Duration.ofSeconds(5)))
        .build();
  }

  private static Map<String, String> keys() {
    return Map.of(
        "OPENAI_API_KEY", "sk-revoked-in-this-test-0001", "GROQ_API_KEY", "gsk-test-0002");
  }

  /** Sends {@value #JOBS_PER_PHASE} jobs routed to OpenAI, falling back to Groq, then sim. */
  private List<String> send(RoutedJobs jobs, String phase) {
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < JOBS_PER_PHASE; i++) {
      String id = phase + "-" + i + "-" + run;
      jobs.send(id);
      ids.add(id);
    }
    jobs.flush();
    return ids;
  }

  private void awaitSucceeded(List<String> ids) {
    await()
        .atMost(Duration.ofSeconds(60))
        .untilAsserted(
            () ->
                assertThat(resultsFor(ids))
                    .extracting(CompletionResult::getStatus)
                    .hasSize(ids.size())
                    .containsOnly(ResultStatus.SUCCEEDED));
  }

  private List<CompletionResult> resultsFor(List<String> ids) {
    return collector.records(topics.results()).stream()
        .map(r -> results.decode(r.value()))
        .filter(r -> ids.contains(r.getId()))
        .toList();
  }

  private List<String> servedBy(List<String> ids) {
    return resultsFor(ids).stream().map(CompletionResult::getProvider).toList();
  }

  private Map<String, CircuitState> latestStates() {
    Map<String, CircuitState> states = new HashMap<>();
    collector.records(topics.providerHealth()).stream()
        .map(r -> health.decode(r.value()))
        .forEach(h -> states.put(h.getKey(), h.getCircuitState()));
    return states;
  }
}
