package io.promptyard.router;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.promptyard.schemas.config.CommonConfig;
import io.promptyard.schemas.config.KafkaClientProperties;
import io.promptyard.schemas.topics.TopicProvisioner;
import io.promptyard.schemas.topics.Topics;
import java.nio.file.Path;
import java.util.Map;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The series of the router's {@code /metrics}, from a Kafka Streams application that is built but
 * never started: no broker is needed to see what the router exports.
 */
class RouterMetricsTest {

  @Test
  void theRoutersMetricsShowItsJvmItsOwnCountersAndItsKafkaStreamsClients(@TempDir Path stateDir) {
    RouterConfig config =
        new RouterConfig(
            new CommonConfig(
                "localhost:1",
                Topics.defaults(),
                TopicProvisioner.sizedToCluster(1),
                new KafkaClientProperties(Map.of())),
            TestCatalog.catalog(),
            "promptyard-router");
    StreamsBuilder builder = new StreamsBuilder();
    builder.stream(Topics.defaults().requests()).to(Topics.defaults().results());

    try (KafkaStreams streams =
        new KafkaStreams(builder.build(), RouterApp.streamsProperties(config, stateDir))) {
      PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
      RouterMetrics.of(registry);
      RouterApp.bindClientMetrics(registry, streams);
      String scrape = registry.scrape();

      assertThat(scrape)
          .contains("jvm_memory_used_bytes{")
          .contains("jvm_threads_live_threads")
          .contains("process_cpu_usage")
          .contains("promptyard_router_requests_total{")
          .contains("kafka_stream_alive_stream_threads{")
          .contains("kafka_consumer_")
          // A Kafka "-total" counter keeps one _total suffix, as the dead-letter rule and panel
          // expect of its per-topic kind (kafka_producer_topic_record_send_total)
          .contains("kafka_producer_record_send_total{")
          .doesNotContain("_total_total");
    }
  }
}
