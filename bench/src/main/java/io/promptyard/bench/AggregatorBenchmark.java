package io.promptyard.bench;

import io.promptyard.schemas.TokenUsage;
import io.promptyard.schemas.UsageEvent;
import io.promptyard.schemas.UsageTotals;
import io.promptyard.schemas.config.CommonConfig;
import io.promptyard.schemas.serde.AvroSerde;
import io.promptyard.schemas.topics.TopicProvisioner;
import io.promptyard.schemas.topics.Topics;
import io.promptyard.schemas.usage.Period;
import io.promptyard.testkit.kafka.EmbeddedKafka;
import io.promptyard.usage.AggregatorConfig;
import io.promptyard.usage.UsageAggregatorApp;
import java.io.PrintWriter;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Usage aggregation throughput with exactly-once on: a backlog of usage events (50 teams, 6
 * provider/models) is published to the in-process broker first, then one aggregator drains it;
 * events per second are timed from the first event counted to the last, and the totals are checked
 * against the events' sum.
 */
public final class AggregatorBenchmark extends NamedBenchmark {

  private final int events = Integer.getInteger("promptyard.bench.events", 1_000_000);
  private final int partitions = Integer.getInteger("promptyard.bench.partitions", 3);
  private final StreamsSettings streams = StreamsSettings.read(1000);

  public AggregatorBenchmark() {
    super(
        "aggregator",
        "usage events aggregated per second (exactly-once v2, 9 totals per event, dedup by event id)");
  }

  @Override
  void measure(Map<String, Object> figures, PrintWriter log) throws Exception {
    Topics topics = new Topics("bench-aggregator.");
    try (EmbeddedKafka kafka = EmbeddedKafka.start()) {
      CommonConfig common =
          new CommonConfig(
              kafka.bootstrapServers(), topics, new TopicProvisioner(partitions, (short) 1));
      try (var admin = kafka.admin()) {
        common.provisioner().ensure(admin, java.util.List.of(topics.usage()));
      }
      log.printf("aggregator: publishing %,d usage events to %d partitions…%n", events, partitions);
      long expectedCost = publish(kafka, topics);
      AggregatorConfig config =
          AggregatorConfig.embedded(common, "bench-aggregator", null)
              .withStreams(streams.commitInterval(), streams.threads());
      long started = System.nanoTime();
      try (UsageAggregatorApp app = UsageAggregatorApp.start(config, Clock.systemUTC())) {
        long first = 0;
        CpuTime.Reading cpuAtFirst = CpuTime.Reading.ZERO;
        long deadline = System.nanoTime() + Duration.ofMinutes(10).toNanos();
        while (app.metrics().aggregatedCount() < events && System.nanoTime() < deadline) {
          if (first == 0 && app.metrics().aggregatedCount() > 0) {
            first = System.nanoTime();
            cpuAtFirst = CpuTime.Reading.now();
          }
          Thread.sleep(5);
        }
        long last = System.nanoTime();
        double processCpu = cpuAtFirst.processSecondsSince();
        double streamCpu = cpuAtFirst.streamThreadSecondsSince();
        long counted = app.metrics().aggregatedCount();
        double seconds = (last - first) / 1e9;
        long totalCost = 0;
        for (int attempt = 0; attempt < 100; attempt++) {
          try {
            totalCost =
                app.queries().teamTotals(Period.MONTH).stream()
                    .mapToLong(UsageTotals::getCostMicros)
                    .sum();
            if (totalCost == expectedCost) {
              break;
            }
          } catch (RuntimeException e) {
            // store not queryable for a moment (rebalance); ask again
          }
          Thread.sleep(100);
        }
        figures.put("events", events);
        figures.put("aggregated", counted);
        figures.put("events_per_second", Math.round(counted / seconds));
        figures.put("drain_seconds", Figures.round(seconds, 2));
        // the machine is shared: what the aggregator would do per core it had to itself
        figures.put("stream_thread_cpu_seconds", Figures.round(streamCpu, 2));
        figures.put("events_per_stream_thread_cpu_second", Math.round(counted / streamCpu));
        figures.put("process_cpu_seconds_with_broker", Figures.round(processCpu, 2));
        figures.put("load_average_1m", Figures.loadAverage());
        figures.put("seconds_including_startup", Math.round((last - started) / 1e7) / 100.0);
        figures.put("exactly_once", "exactly_once_v2");
        figures.put("totals_equal_sum_of_events", totalCost == expectedCost);
        figures.put("partitions", partitions);
        figures.put("stream_threads", streams.threads());
        figures.put("commit_interval_ms", streams.commitMs());
        figures.put("cores", Runtime.getRuntime().availableProcessors());
        log.printf("  %s%n", figures);
      }
    }
  }

  /** Publishes the backlog; returns the sum of its costs. */
  private long publish(EmbeddedKafka kafka, Topics topics) {
    AvroSerde<UsageEvent> serde = AvroSerde.of(UsageEvent.class);
    String[][] models = {
      {"openai", "gpt-4o-mini"},
      {"openai", "gpt-4o"},
      {"anthropic", "claude-haiku"},
      {"anthropic", "claude-sonnet"},
      {"gemini", "gemini-flash"},
      {"sim", "sim-mini"}
    };
    long cost = 0;
    Instant now = Instant.now();
    try (KafkaProducer<String, byte[]> producer =
        BacklogProducer.open(kafka.bootstrapServers(), 20)) {
      for (int i = 0; i < events; i++) {
        String team = "team-" + (i % 50);
        String[] m = models[i % models.length];
        UsageEvent e =
            UsageEvent.newBuilder()
                .setEventId("bench-" + i + ":1")
                .setRequestId("bench-" + i)
                .setTeam(team)
                .setProvider(m[0])
                .setModel(m[1])
                .setUsage(new TokenUsage(200L + i % 50, 40L + i % 20, 0L, 0L))
                .setCostMicros(150 + i % 1000)
                .setLatencyMillis(80 + i % 900)
                .setCached(i % 10 == 0)
                .setOccurredAt(now.minusMillis(events - i))
                .build();
        cost += e.getCostMicros();
        producer.send(new ProducerRecord<>(topics.usage(), team, serde.encode(e)));
      }
    }
    return cost;
  }
}
