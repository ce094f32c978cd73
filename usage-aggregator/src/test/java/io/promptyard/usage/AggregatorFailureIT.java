package io.promptyard.usage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.promptyard.schemas.topics.Topics;
import io.promptyard.testkit.kafka.EmbeddedKafka;
import io.promptyard.testkit.kafka.KafkaBrokerExtension;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * An aggregator whose Kafka Streams application fails does not stay up half-dead: it says so, and
 * its process exits.
 */
@ExtendWith(KafkaBrokerExtension.class)
class AggregatorFailureIT {

  @Test
  void anAggregatorWhoseUsageTopicDisappearsGoesDownAndReportsTheFailureItsProcessExitsOn(
      EmbeddedKafka kafka) throws Exception {
    Topics topics = new Topics("fail-" + System.nanoTime() + ".");
    try (UsageAggregatorApp aggregator =
            UsageAggregatorApp.start(
                AggregatorConfig.embedded(
                    UsageFixture.common(kafka, topics, 1), topics.prefix() + "usage", null),
                Clock.fixed(Instant.parse("2027-07-15T12:00:00Z"), ZoneOffset.UTC));
        Admin admin = kafka.admin()) {
      await()
          .atMost(Duration.ofSeconds(60))
          .until(() -> aggregator.state() == KafkaStreams.State.RUNNING);

      admin.deleteTopics(List.of(topics.usage())).all().get(30, TimeUnit.SECONDS);

      await()
          .atMost(Duration.ofSeconds(60))
          .until(() -> aggregator.failure().failure().isPresent());
      assertThat(aggregator.failure().failure().get())
          .hasMessageStartingWith("usage-aggregator: ")
          .hasMessageEndingWith("the service stops so that its supervisor restarts it");
      await()
          .atMost(Duration.ofSeconds(30))
          .until(() -> aggregator.state() == KafkaStreams.State.ERROR);
      HttpResponse<String> health =
          HttpClient.newHttpClient()
              .send(
                  HttpRequest.newBuilder(
                          URI.create("http://localhost:" + aggregator.httpPort() + "/health"))
                      .build(),
                  HttpResponse.BodyHandlers.ofString());
      assertThat(health.statusCode()).isEqualTo(503);
      assertThat(health.body()).contains("ERROR");
    }
  }
}
