package io.promptyard.worker.job;

import static org.assertj.core.api.Assertions.assertThat;

import io.promptyard.catalog.ModelCatalog;
import io.promptyard.catalog.Usage;
import io.promptyard.providers.ProviderException;
import io.promptyard.providers.RateLimits;
import io.promptyard.schemas.Attempt;
import io.promptyard.schemas.CompletionRequest;
import io.promptyard.schemas.ErrorCode;
import io.promptyard.schemas.Message;
import io.promptyard.schemas.ModelRef;
import io.promptyard.schemas.Priority;
import io.promptyard.schemas.ResultStatus;
import io.promptyard.schemas.Role;
import io.promptyard.schemas.RoutedRequest;
import io.promptyard.schemas.RoutingDecision;
import io.promptyard.schemas.RoutingHints;
import io.promptyard.schemas.serde.AvroSerde;
import io.promptyard.schemas.topics.RecordHeaders;
import io.promptyard.schemas.topics.Topics;
import io.promptyard.schemas.tracing.JobTracing;
import io.promptyard.worker.cache.InMemoryResponseCache;
import io.promptyard.worker.cache.SemanticAnswers;
import io.promptyard.worker.guard.CallGuard;
import io.promptyard.worker.guard.CallRefused;
import io.promptyard.worker.guard.Permit;
import io.promptyard.worker.idempotency.InMemoryResultLedger;
import io.promptyard.worker.idempotency.PublishedResults;
import io.promptyard.worker.metrics.WorkerMetrics;
import io.promptyard.worker.moderation.OutputModeration;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

/**
 * How the worker treats what stands before a provider call: refusals, long waits and the guard's
 * bookkeeping.
 */
class GuardedCallTest {

  private static final JobPolicy POLICY =
      new JobPolicy(
          3,
          10,
          new Backoff(Duration.ofMillis(1), Duration.ofMillis(50)),
          Duration.ofHours(1),
          Duration.ofDays(1));
  private static final Instant NOW = Instant.parse("2028-02-29T23:59:30Z");
  private static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);
  private final ScriptedProvider sim = new ScriptedProvider("sim");
  private final RecordingGuard guard = new RecordingGuard();

  @Test
  void longRetryAfterWithNowhereToFallBackParksTheJobUntilTheProviderSaysToComeBack()
      throws Exception {
    sim.rateLimited(Duration.ofSeconds(60));

    JobOutcome outcome = processor(CallGuard.NONE).process(job(List.of()), c -> {});

    JobOutcome.Deferred deferred = (JobOutcome.Deferred) outcome;
    assertThat(deferred.dueAt()).isAfterOrEqualTo(NOW.plusSeconds(60));
    assertThat(deferred.job().getAttempts())
        .singleElement()
        .satisfies(a -> assertThat(a.getErrorCode()).isEqualTo(ErrorCode.RATE_LIMITED));
    assertThat(sim.calls()).hasSize(1);
  }

  @Test
  void openCircuitFallsBackToTheNextModelWithoutCallingTheProvider() throws Exception {
    guard.refuseWith =
        new CallRefused(ErrorCode.OVERLOADED, "circuit of sim is open", Duration.ofSeconds(30));

    JobOutcome outcome =
        processor(guard).process(job(List.of(new ModelRef("sim", "sim-large"))), c -> {});

    JobOutcome.Forwarded forwarded = (JobOutcome.Forwarded) outcome;
    assertThat(forwarded.next().getDecision().getModel()).isEqualTo("sim-large");
    assertThat(forwarded.usage()).as("no provider call, so no usage").isEmpty();
    assertThat(sim.calls()).isEmpty();
  }

  @Test
  void openCircuitWithNowhereToFallBackDefersTheJobUntilTheCircuitMayClose() throws Exception {
    guard.refuseWith =
        new CallRefused(ErrorCode.OVERLOADED, "circuit of sim is open", Duration.ofSeconds(30));

    JobOutcome.Deferred deferred =
        (JobOutcome.Deferred) processor(guard).process(job(List.of()), c -> {});

    assertThat(deferred.dueAt()).isAfterOrEqualTo(NOW.plusSeconds(30));
    assertThat(sim.calls()).isEmpty();
  }

  @Test
  void callsTakeTheProvidersKeysInTurnAndTheGuardAndTheAdapterAreToldWhichOne() throws Exception {
    sim.withKeys("key-one", "key-two")
        .answers("Paris.", new Usage(12, 2, 0, 0))
        .answers("Rome.", new Usage(12, 2, 0, 0));
    JobProcessor processor = processor(guard);
    RoutedRequest first = job(List.of());
    RoutedRequest other = job(List.of());
    RoutedRequest second =
        new RoutedRequest(
            CompletionRequest.newBuilder(other.getRequest())
                .setMessages(
                    List.of(
                        Message.newBuilder()
                            .setRole(Role.USER)
                            .setText("Capital of Italy?")
                            .build()))
                .build(),
            other.getDecision(),
            List.of());

    processor.process(first, c -> {});
    processor.process(second, c -> {});

    assertThat(sim.calls())
        .extracting(call -> call.request().keyId())
        .containsExactly("key-one", "key-two");
    assertThat(guard.admittedKeys).containsExactly("key-one", "key-two");
  }

  @Test
  void refusalsCountTowardsTheAttemptLimitSoAJobIsNeverDeferredForever() throws Exception {
    guard.refuseWith =
        new CallRefused(ErrorCode.OVERLOADED, "circuit of sim is open", Duration.ofSeconds(30));
    List<Attempt> nine =
        new ArrayList<>(
            Collections.nCopies(
                9,
                new Attempt(
                    "sim",
                    "sim-mini",
                    Instant.EPOCH,
                    Instant.EPOCH,
                    ErrorCode.OVERLOADED,
                    "circuit open")));

    RoutedRequest fresh = job(List.of());
    JobOutcome outcome =
        processor(guard)
            .process(new RoutedRequest(fresh.getRequest(), fresh.getDecision(), nine), c -> {});

    JobOutcome.Finished finished = (JobOutcome.Finished) outcome;
    assertThat(finished.result().getStatus()).isEqualTo(ResultStatus.FAILED);
    assertThat(finished.result().getAttempts()).isEqualTo(10);
    assertThat(finished.deadLetter()).isNotNull();
  }

  @Test
  void guardIsToldOfEveryCallWithTheRealUsageAndTheProvidersRateLimits() throws Exception {
    sim.answers("Paris.", new Usage(120, 30, 0, 0));

    processor(guard).process(job(List.of()), c -> {});

    assertThat(guard.admitted)
        .singleElement()
        .satisfies(p -> assertThat(p.reservedTokens()).isEqualTo(40 + 256));
    assertThat(guard.completedUsage).containsExactly(new Usage(120, 30, 0, 0));
  }

  @Test
  void aReplayedJobWhoseAttemptsRanOutIsCalledAgainAndKeepsNumberingItsAttempts() throws Exception {
    sim.answers("Paris.", new Usage(12, 2, 0, 0));
    List<Attempt> ten =
        new ArrayList<>(
            Collections.nCopies(
                10,
                new Attempt(
                    "sim",
                    "sim-mini",
                    Instant.EPOCH,
                    Instant.EPOCH,
                    ErrorCode.PROVIDER_ERROR,
                    "500")));
    RoutedRequest fresh = job(List.of());

    JobOutcome outcome =
        processor(CallGuard.NONE)
            .process(
                new RoutedRequest(fresh.getRequest(), fresh.getDecision(), ten),
                new Delivery("dlq-0@12", 10),
                c -> {});

    JobOutcome.Finished finished = (JobOutcome.Finished) outcome;
    assertThat(finished.result().getStatus()).isEqualTo(ResultStatus.SUCCEEDED);
    assertThat(finished.result().getAttempts()).isEqualTo(11);
    assertThat(finished.usage())
        .singleElement()
        .satisfies(u -> assertThat(u.getEventId()).endsWith(":11"));
  }

  @Test
  void aReplayedJobParkedOnTheRetryTopicKeepsItsReplayHeaders() throws Exception {
    MockProducer<String, byte[]> producer =
        new MockProducer<>(true, null, new StringSerializer(), new ByteArraySerializer());
    Topics topics = Topics.defaults();
    RoutedRequest parked = job(List.of());

    new OutcomePublisher(producer, topics)
        .publish(
            new JobOutcome.Deferred(parked, Instant.now(), List.of()),
            new ConsumerRecord<>(
                topics.route("sim"), 0, 7L, parked.getRequest().getId(), new byte[0]),
            new Delivery("dlq-0@12", 4));

    assertThat(producer.history())
        .singleElement()
        .satisfies(
            r -> {
              assertThat(
                      new String(
                          r.headers().lastHeader(RecordHeaders.REPLAY).value(),
                          StandardCharsets.UTF_8))
                  .isEqualTo("dlq-0@12");
              assertThat(
                      Delivery.of(
                          r.headers(),
                          new RoutedRequest(
                              parked.getRequest(),
                              parked.getDecision(),
                              Collections.nCopies(
                                  6,
                                  new Attempt(
                                      "sim",
                                      "sim-mini",
                                      Instant.EPOCH,
                                      Instant.EPOCH,
                                      ErrorCode.PROVIDER_ERROR,
                                      "500")))))
                  .isEqualTo(new Delivery("dlq-0@12", 4));
            });
  }

  @Test
  void anInteractiveJobKeepsItsLaneWhenItFallsBackOrWaitsOnTheRetryTopic() throws Exception {
    MockProducer<String, byte[]> producer =
        new MockProducer<>(true, null, new StringSerializer(), new ByteArraySerializer());
    Topics topics = Topics.defaults();
    RoutedRequest job = job(List.of());
    // As the router writes an interactive job: the request's hint, and the lane in the decision
    CompletionRequest interactive =
        CompletionRequest.newBuilder(job.getRequest())
            .setRouting(RoutingHints.newBuilder().setPriority(Priority.INTERACTIVE).build())
            .build();
    RoutingDecision routed =
        RoutingDecision.newBuilder(job.getDecision()).setPriority(Priority.INTERACTIVE).build();
    RoutingDecision next =
        RoutingDecision.newBuilder(routed).setProvider("openai").setModel("gpt-4.1-nano").build();
    RoutingDecision batchNext =
        RoutingDecision.newBuilder(job.getDecision())
            .setProvider("openai")
            .setModel("gpt-4.1-nano")
            .build();
    ConsumerRecord<String, byte[]> origin =
        new ConsumerRecord<>(
            topics.routeInteractive("sim"), 0, 7L, interactive.getId(), new byte[0]);
    OutcomePublisher publisher = new OutcomePublisher(producer, topics);

    publisher.publish(
        new JobOutcome.Forwarded(new RoutedRequest(interactive, next, List.of()), List.of()),
        origin);
    publisher.publish(
        new JobOutcome.Deferred(
            new RoutedRequest(interactive, routed, List.of()), Instant.now(), List.of()),
        origin);
    publisher.publish(
        new JobOutcome.Forwarded(
            new RoutedRequest(job.getRequest(), batchNext, List.of()), List.of()),
        origin);

    assertThat(producer.history())
        .extracting(ProducerRecord::topic)
        .containsExactly(
            "promptyard.route.openai.interactive",
            "promptyard.route.sim.interactive.retry",
            "promptyard.route.openai");
  }

  @Test
  void deferredJobIsPublishedToItsProvidersRetryTopicWithItsDueTime() throws Exception {
    MockProducer<String, byte[]> producer =
        new MockProducer<>(true, null, new StringSerializer(), new ByteArraySerializer());
    Topics topics = Topics.defaults();
    RoutedRequest parked = job(List.of());
    Instant due = Instant.parse("2026-11-23T10:00:00Z");

    new OutcomePublisher(producer, topics)
        .publish(
            new JobOutcome.Deferred(parked, due, List.of()),
            new ConsumerRecord<>(
                topics.route("sim"), 0, 7L, parked.getRequest().getId(), new byte[0]));

    assertThat(producer.history())
        .singleElement()
        .satisfies(
            r -> {
              assertThat(r.topic()).isEqualTo("promptyard.route.sim.retry");
              assertThat(r.key()).isEqualTo(parked.getRequest().getId());
              assertThat(
                      new String(
                          r.headers().lastHeader(RecordHeaders.DUE_AT).value(),
                          StandardCharsets.UTF_8))
                  .isEqualTo(Long.toString(due.toEpochMilli()));
              assertThat(AvroSerde.of(RoutedRequest.class).decode(r.value())).isEqualTo(parked);
            });
  }

  private JobProcessor processor(CallGuard callGuard) {
    return new JobProcessor(
        ModelCatalog.bundled(),
        name -> sim,
        new InMemoryResponseCache(CLOCK),
        new InMemoryResultLedger(),
        PublishedResults.NONE,
        POLICY,
        callGuard,
        WorkerMetrics.noop(),
        CLOCK,
        OutcomePublisher.PUBLISHING_GRACE,
        SemanticAnswers.off(),
        JobTracing.OFF,
        OutputModeration.localOnly());
  }

  private static RoutedRequest job(List<ModelRef> fallbacks) {
    CompletionRequest request =
        CompletionRequest.newBuilder()
            .setId("g-" + UUID.randomUUID())
            .setTeam("guarded")
            .setModel("cheap")
            .setMessages(
                List.of(
                    Message.newBuilder().setRole(Role.USER).setText("Capital of France?").build()))
            .build();
    RoutingDecision decision =
        RoutingDecision.newBuilder()
            .setProvider("sim")
            .setModel("sim-mini")
            .setFallbackChain(fallbacks)
            .setEstimatedInputTokens(40)
            .setReason("test")
            .setRoutedAt(NOW)
            .build();
    return new RoutedRequest(request, decision, List.of());
  }

  /** Admits or refuses as told, and records what it was told. */
  private static final class RecordingGuard implements CallGuard {
    volatile CallRefused refuseWith;
    final List<Permit> admitted = new ArrayList<>();
    final List<Usage> completedUsage = new ArrayList<>();
    final List<String> admittedKeys = new ArrayList<>();

    @Override
    public Permit admit(String provider, String model, String keyId, long estimatedTokens)
        throws CallRefused {
      Permit p = admit(provider, model, estimatedTokens);
      admittedKeys.add(keyId);
      return p;
    }

    @Override
    public Permit admit(String provider, String model, long estimatedTokens) throws CallRefused {
      if (refuseWith != null) {
        throw refuseWith;
      }
      Permit p = new Permit(provider, model, estimatedTokens);
      admitted.add(p);
      return p;
    }

    @Override
    public void completed(Permit permit, Usage usage, RateLimits limits, Duration latency) {
      completedUsage.add(usage);
    }

    @Override
    public void failed(Permit permit, ProviderException error, Duration latency) {}
  }
}
