package io.promptyard.worker.source;

import io.promptyard.catalog.ModelCatalog;
import io.promptyard.schemas.CompletionRequest;
import io.promptyard.schemas.CompletionResult;
import io.promptyard.schemas.Message;
import io.promptyard.schemas.Role;
import io.promptyard.schemas.RoutedRequest;
import io.promptyard.schemas.RoutingDecision;
import io.promptyard.schemas.serde.AvroSerde;
import io.promptyard.schemas.topics.TopicProvisioner;
import io.promptyard.schemas.topics.Topics;
import io.promptyard.schemas.tracing.JobTracing;
import io.promptyard.testkit.kafka.EmbeddedKafka;
import io.promptyard.worker.RecordCollector;
import io.promptyard.worker.cache.InMemoryResponseCache;
import io.promptyard.worker.cache.SemanticAnswers;
import io.promptyard.worker.guard.CallGuard;
import io.promptyard.worker.idempotency.InMemoryResultLedger;
import io.promptyard.worker.idempotency.PublishedResults;
import io.promptyard.worker.idempotency.ResultLedger;
import io.promptyard.worker.job.Backoff;
import io.promptyard.worker.job.JobPolicy;
import io.promptyard.worker.job.JobProcessor;
import io.promptyard.worker.job.OutcomePublisher;
import io.promptyard.worker.metrics.WorkerMetrics;
import io.promptyard.worker.moderation.OutputModeration;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * What a job-source test needs around the source: its own topics on the broker, a job processor
 * calling a {@link SlowProvider} with one idempotency ledger shared by every source (as Redis is in
 * production), a producer for jobs and outcomes, and a collector of the results.
 */
final class SourceHarness implements AutoCloseable {

  final Topics topics = new Topics("t" + UUID.randomUUID().toString().substring(0, 8) + ".");
  final String group = topics.prefix() + "worker";
  final EmbeddedKafka kafka;
  final SlowProvider provider;
  final JobProcessor processor;
  final OutcomePublisher publisher;
  final ExecutorService jobs = Executors.newVirtualThreadPerTaskExecutor();
  final RecordCollector results;
  private final KafkaProducer<String, byte[]> producer;
  private final List<JobSource> sources = new ArrayList<>();
  private final Map<JobSource, Thread> threads = new java.util.concurrent.ConcurrentHashMap<>();
  private final Map<String, Integer> ledgerChecks = new java.util.concurrent.ConcurrentHashMap<>();

  /** Counts how often each request id is looked up: once per delivery of its job. */
  private final ResultLedger ledger =
      new ResultLedger() {
        private final InMemoryResultLedger done = new InMemoryResultLedger();

        @Override
        public boolean isDone(String team, String requestId) {
          return done.isDone(team, requestId);
        }

        @Override
        public java.util.Optional<io.promptyard.worker.idempotency.LedgerEntry> lookup(
            String team, String requestId) {
          ledgerChecks.merge(requestId, 1, Integer::sum);
          return done.lookup(team, requestId);
        }

        @Override
        public java.util.Optional<String> status(String team, String requestId) {
          return done.status(team, requestId);
        }

        @Override
        public void markDone(
            String team,
            String requestId,
            io.promptyard.worker.idempotency.LedgerEntry.Done entry,
            Duration ttl) {
          done.markDone(team, requestId, entry, ttl);
        }
      };

  private final AvroSerde<RoutedRequest> routed = AvroSerde.of(RoutedRequest.class);
  private final AvroSerde<CompletionResult> resultSerde = AvroSerde.of(CompletionResult.class);

  SourceHarness(EmbeddedKafka kafka, SlowProvider provider) {
    this.kafka = kafka;
    this.provider = provider;
    try (Admin admin = kafka.admin()) {
      new TopicProvisioner(3, (short) 1)
          .ensure(
              admin,
              List.of(
                  topics.route("sim"),
                  topics.results(),
                  topics.usage(),
                  topics.deadLetters(),
                  topics.chunks()));
      admin
          .incrementalAlterConfigs(
              Map.of(
                  new ConfigResource(ConfigResource.Type.GROUP, group),
                  List.of(
                      new AlterConfigOp(
                          new ConfigEntry("share.auto.offset.reset", "earliest"),
                          AlterConfigOp.OpType.SET))))
          .all()
          .get(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
    producer =
        new KafkaProducer<>(
            Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                kafka.bootstrapServers(),
                ProducerConfig.ACKS_CONFIG,
                "all",
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG,
                true),
            new StringSerializer(),
            new ByteArraySerializer());
    JobPolicy policy =
        new JobPolicy(
            3,
            new Backoff(Duration.ofMillis(10), Duration.ofMillis(50)),
            Duration.ofHours(1),
            Duration.ofDays(1));
    processor =
        new JobProcessor(
            ModelCatalog.bundled(),
            name -> provider,
            new InMemoryResponseCache(Clock.systemUTC()),
            ledger,
            PublishedResults.NONE,
            policy,
            CallGuard.NONE,
            WorkerMetrics.noop(),
            Clock.systemUTC(),
            OutcomePublisher.PUBLISHING_GRACE,
            SemanticAnswers.off(),
            JobTracing.OFF,
            OutputModeration.localOnly());
    publisher = new OutcomePublisher(producer, topics);
    results = new RecordCollector(kafka.bootstrapServers(), List.of(topics.results()));
  }

  /**
   * Publishes a job for sim/sim-mini to {@code partition} of the provider topic; returns its
   * request id.
   */
  String publishJob(int partition) throws Exception {
    String id = "req-" + UUID.randomUUID();
    producer
        .send(
            new ProducerRecord<>(
                topics.route("sim"), partition, id, routed.encode(job(id, "team-a"))))
        .get();
    return id;
  }

  /** A job of {@code team} for sim/sim-mini, routed now. */
  static RoutedRequest job(String id, String team) {
    CompletionRequest request =
        CompletionRequest.newBuilder()
            .setId(id)
            .setTeam(team)
            .setModel("sim/sim-mini")
            .setMessages(
                List.of(Message.newBuilder().setRole(Role.USER).setText("question " + id).build()))
            .build();
    RoutingDecision decision =
        RoutingDecision.newBuilder()
            .setProvider("sim")
            .setModel("sim-mini")
            .setFallbackChain(List.of())
            .setReason("test")
            .setRoutedAt(Instant.now())
            .build();
    return new RoutedRequest(request, decision, List.of());
  }

  /** Starts a source on a thread of its own; it is closed with the harness unless closed before. */
  <S extends JobSource> S start(S source) {
    sources.add(source);
    threads.put(source, Thread.ofPlatform().name("source-" + sources.size()).start(source));
    return source;
  }

  /** Closes a source and waits until its consumer is closed, as when a worker process stops. */
  void stop(JobSource source) throws InterruptedException {
    source.close();
    threads.get(source).join(30_000);
  }

  /** How many times the job of {@code requestId} was delivered to the processor. */
  int ledgerChecks(String requestId) {
    return ledgerChecks.getOrDefault(requestId, 0);
  }

  /** Results published so far, counted by request id. */
  Map<String, Integer> resultCounts() {
    Map<String, Integer> counts = new HashMap<>();
    results
        .records()
        .forEach(r -> counts.merge(resultSerde.decode(r.value()).getId(), 1, Integer::sum));
    return counts;
  }

  @Override
  public void close() throws Exception {
    sources.forEach(JobSource::close);
    results.close();
    jobs.shutdownNow();
    producer.close();
  }
}
