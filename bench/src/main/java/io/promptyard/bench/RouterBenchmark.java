package io.promptyard.bench;

import io.promptyard.router.RouterApp;
import io.promptyard.router.RouterConfig;
import io.promptyard.router.guard.GuardSetting;
import io.promptyard.router.guard.GuardStage;
import io.promptyard.router.routing.RoutingOutcome;
import io.promptyard.router.routing.RoutingPolicy;
import io.promptyard.router.validation.RequestValidator;
import io.promptyard.schemas.Budget;
import io.promptyard.schemas.CompletionRequest;
import io.promptyard.schemas.CompletionResult;
import io.promptyard.schemas.ErrorCode;
import io.promptyard.schemas.ProviderHealth;
import io.promptyard.schemas.RoutedRequest;
import io.promptyard.schemas.config.CommonConfig;
import io.promptyard.schemas.ingress.JsonIngress;
import io.promptyard.schemas.results.TerminalResults;
import io.promptyard.schemas.serde.AvroSerde;
import io.promptyard.schemas.topics.TopicProvisioner;
import io.promptyard.schemas.topics.Topics;
import io.promptyard.testkit.kafka.EmbeddedKafka;
import java.io.PrintWriter;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;
import java.util.regex.Pattern;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Requests routed per second with 50 models in the catalog, two ways: the routing core on one
 * thread (decode, decide with health and budgets, encode — what the router's processor does per
 * record), and the router service (Kafka Streams, exactly-once v2) on the in-process broker, from a
 * backlog of requests to committed outputs.
 */
public final class RouterBenchmark extends NamedBenchmark {

  private final int coreRequests = Integer.getInteger("promptyard.bench.router.core", 400_000);
  private final int brokerRequests =
      Integer.getInteger("promptyard.bench.router.broker", 1_000_000);
  private final int distinctRequests =
      Integer.getInteger("promptyard.bench.router.distinct", 40_000);
  private final StreamsSettings streams = StreamsSettings.read(RouterConfig.DEFAULT_COMMIT_MILLIS);

  /**
   * The router's guard policy: {@code default} (as the router runs unless told), off, or a file.
   */
  private final GuardSetting guard =
      GuardSetting.parse(
          System.getProperty("promptyard.bench.router.guard", GuardSetting.KEY.defaultValue()));

  public RouterBenchmark() {
    super(
        "router",
        "requests routed per second with 50 models: routing core on one thread, and the router on the in-process broker;"
            + " -Dpromptyard.bench.router.guard=off|default|FILE sets the guard policy (default: default)");
  }

  @Override
  void measure(Map<String, Object> f, PrintWriter log) throws Exception {
    RouterWorkload w = new RouterWorkload(5_000, 42);
    f.put("models", w.catalog.models().size());
    f.put("cores", Runtime.getRuntime().availableProcessors());
    f.put("guard", guard.name());
    core(w, log, f);
    if (brokerRequests > 0) {
      broker(w, log, f);
    }
  }

  private void core(RouterWorkload w, PrintWriter log, Map<String, Object> f) {
    RoutingPolicy policy =
        new RoutingPolicy(
            w.catalog, RequestValidator.defaults(), RouterWorkload.defaults(), Clock.systemUTC());
    AvroSerde<CompletionRequest> requests = AvroSerde.of(CompletionRequest.class);
    AvroSerde<RoutedRequest> routedSerde = AvroSerde.of(RoutedRequest.class);
    AvroSerde<CompletionResult> results = AvroSerde.of(CompletionResult.class);
    GuardStage stage = GuardStage.of(guard);
    Router router = new Router(policy, stage, requests, routedSerde, results);
    log.printf("router core: warming up on %,d requests…%n", w.encoded.size());
    for (int pass = 0; pass < 3; pass++) {
      router.routeAll(w, w.encoded.size());
    }
    // Every prompt new to the token-count cache: each request's text is tokenized.
    RouterWorkload fresh = new RouterWorkload(distinctRequests, 7);
    log.printf(
        "router core: %,d requests with distinct prompts on one thread…%n", distinctRequests);
    timeCore("distinct", distinctRequests, () -> router.routeAll(fresh, distinctRequests), f);
    // The same 5,000 requests over and over: prompts recur, as system prompts and templates do.
    log.printf(
        "router core: %,d requests cycling over %,d prompts on one thread…%n",
        coreRequests, w.encoded.size());
    timeCore("repeated", coreRequests, () -> router.routeAll(w, coreRequests), f);
    log.printf(
        "router core: distinct %s/s, repeated %s/s%n",
        f.get("core_distinct_requests_per_second"), f.get("core_repeated_requests_per_second"));
  }

  /**
   * Times {@code route} over {@code n} requests and puts its counts ({routed, rejected}) and rate
   * under {@code core_<label>_...}.
   */
  private static void timeCore(String label, int n, Supplier<long[]> route, Map<String, Object> f) {
    long start = System.nanoTime();
    long[] counts = route.get();
    double seconds = (System.nanoTime() - start) / 1e9;
    String prefix = "core_" + label + "_";
    f.put(prefix + "requests", n);
    f.put(prefix + "routed", counts[0]);
    f.put(prefix + "rejected", counts[1]);
    f.put(prefix + "requests_per_second", Math.round(n / seconds));
  }

  /** What the router's processor does per record, on the calling thread. */
  private record Router(
      RoutingPolicy policy,
      GuardStage guard,
      AvroSerde<CompletionRequest> requests,
      AvroSerde<RoutedRequest> routedSerde,
      AvroSerde<CompletionResult> results) {

    /** Routes the workload's first {@code n} requests (cycling); returns {routed, rejected}. */
    long[] routeAll(RouterWorkload w, int n) {
      long routed = 0;
      long rejected = 0;
      long bytes = 0;
      for (int i = 0; i < n; i++) {
        int k = i % w.encoded.size();
        byte[] in = w.encoded.get(k);
        CompletionRequest r = w.isJson.get(k) ? JsonIngress.parse(in, null) : requests.decode(in);
        RoutingOutcome outcome =
            switch (guard.screen(r)) {
              case GuardStage.Passed passed ->
                  policy.decide(passed.request(), w.signals, RouterWorkload.NOW);
              case GuardStage.Blocked blocked ->
                  new RoutingOutcome.Rejected(ErrorCode.CONTENT_POLICY, blocked.reason());
            };
        switch (outcome) {
          case RoutingOutcome.Routed ok -> {
            routed++;
            bytes += routedSerde.encode(ok.request()).length;
          }
          case RoutingOutcome.Rejected no -> {
            rejected++;
            bytes +=
                results.encode(
                        TerminalResults.unsuccessful(
                            r,
                            io.promptyard.schemas.ResultStatus.REJECTED,
                            TerminalResults.error(no.code(), no.reason()),
                            0))
                    .length;
          }
        }
      }
      if (bytes == 0) {
        throw new IllegalStateException("nothing encoded");
      }
      return new long[] {routed, rejected};
    }
  }

  private void broker(RouterWorkload w, PrintWriter log, Map<String, Object> f) throws Exception {
    Topics topics = new Topics("rb" + System.nanoTime() % 100_000 + ".");
    TopicProvisioner provisioner = new TopicProvisioner(6, (short) 1);
    try (EmbeddedKafka kafka = EmbeddedKafka.start()) {
      try (Admin admin = kafka.admin()) {
        provisioner.ensure(admin, List.of(topics.requests(), topics.requestsJson()));
        provisioner.ensureCompacted(admin, List.of(topics.providerHealth(), topics.budgetStatus()));
      }
      log.printf(
          "router on the broker: publishing a backlog of %,d requests, health and budgets…%n",
          brokerRequests);
      try (KafkaProducer<String, byte[]> producer =
          BacklogProducer.open(kafka.bootstrapServers(), 10)) {
        sendAll(
            producer,
            topics.providerHealth(),
            w.signals.healthByKey(),
            AvroSerde.of(ProviderHealth.class),
            h -> ProviderHealth.newBuilder(h).setUpdatedAt(Instant.now()).build());
        sendAll(
            producer,
            topics.budgetStatus(),
            w.signals.budgetByTeam(),
            AvroSerde.of(Budget.class),
            b -> Budget.newBuilder(b).setUpdatedAt(Instant.now()).build());
        for (int i = 0; i < brokerRequests; i++) {
          int k = i % w.encoded.size();
          producer.send(
              new ProducerRecord<>(
                  w.isJson.get(k) ? topics.requestsJson() : topics.requests(),
                  w.requests.get(k).getId(),
                  w.encoded.get(k)));
        }
        producer.flush();
      }
      RouterConfig config =
          new RouterConfig(
                  new CommonConfig(kafka.bootstrapServers(), topics, provisioner),
                  w.catalog,
                  topics.prefix() + "router",
                  RouterWorkload.defaults())
              .withCommitInterval(streams.commitInterval())
              .withStreamThreads(streams.threads())
              .withGuard(guard);
      try (KafkaConsumer<byte[], byte[]> consumer =
          new KafkaConsumer<>(
              Map.of(
                  ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                  kafka.bootstrapServers(),
                  ConsumerConfig.GROUP_ID_CONFIG,
                  topics.prefix() + "count",
                  ConsumerConfig.AUTO_OFFSET_RESET_CONFIG,
                  "earliest",
                  ConsumerConfig.ISOLATION_LEVEL_CONFIG,
                  "read_committed",
                  ConsumerConfig.MAX_POLL_RECORDS_CONFIG,
                  5_000),
              new ByteArrayDeserializer(),
              new ByteArrayDeserializer())) {
        long start = System.nanoTime();
        try (RouterApp router = RouterApp.start(config)) {
          consumer.subscribe(
              Pattern.compile(Pattern.quote(topics.prefix()) + "(route\\..*|results|dlq)"));
          long seen = 0;
          long first = 0;
          CpuTime.Reading cpuAtFirst = CpuTime.Reading.ZERO;
          Map<Long, long[]> threadCpuAtFirst = Map.of();
          long deadline = System.nanoTime() + Duration.ofMinutes(10).toNanos();
          while (seen < brokerRequests && System.nanoTime() < deadline) {
            int n = consumer.poll(Duration.ofMillis(100)).count();
            if (n > 0 && first == 0) {
              first = System.nanoTime();
              cpuAtFirst = CpuTime.Reading.now();
              threadCpuAtFirst = CpuTime.perThread();
            }
            seen += n;
          }
          long end = System.nanoTime();
          double streamCpu = cpuAtFirst.streamThreadSecondsSince();
          double processCpu = cpuAtFirst.processSecondsSince();
          f.put("broker_requests", brokerRequests);
          f.put("broker_outputs", seen);
          f.put("broker_seconds_from_start", Math.round((end - start) / 1e7) / 100.0);
          f.put("broker_requests_per_second_from_start", Math.round(seen / ((end - start) / 1e9)));
          f.put(
              "broker_requests_per_second_after_first_output",
              first == 0 ? 0 : Math.round(seen / ((end - first) / 1e9)));
          // where the two cores went after the first output: the router's stream threads, and
          // everything in the process (broker, the counting consumer, JIT and GC included)
          f.put("broker_stream_thread_cpu_seconds", Figures.round(streamCpu, 2));
          f.put(
              "broker_requests_per_stream_thread_cpu_second",
              streamCpu == 0 ? 0 : Math.round(seen / streamCpu));
          f.put("broker_process_cpu_seconds", Figures.round(processCpu, 2));
          // by thread group (JIT compiler and GC threads are not Java threads: they are the rest of
          // the process figure)
          f.put("broker_cpu_ms_by_threads", CpuTime.byGroupMillis(threadCpuAtFirst));
          f.put("broker_commit_interval_ms", streams.commitMs());
          f.put("broker_stream_threads", streams.threads());
          f.put("load_average_1m", Figures.loadAverage());
          log.printf("router on the broker: %,d outputs in %.1f s%n", seen, (end - start) / 1e9);
        }
      }
    }
  }

  /**
   * Sends each of {@code byKey}'s records to {@code topic} under its key, as {@code stamp} makes
   * it.
   */
  private static <T extends SpecificRecord> void sendAll(
      KafkaProducer<String, byte[]> producer,
      String topic,
      Map<String, T> byKey,
      AvroSerde<T> serde,
      UnaryOperator<T> stamp) {
    byKey.forEach(
        (k, v) -> producer.send(new ProducerRecord<>(topic, k, serde.encode(stamp.apply(v)))));
  }
}
