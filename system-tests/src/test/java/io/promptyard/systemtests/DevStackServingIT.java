package io.promptyard.systemtests;

import static org.assertj.core.api.Assertions.assertThat;

import io.promptyard.dev.DevStack;
import io.promptyard.schemas.Priority;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.Test;

/**
 * "Serving" means a request would be served now: {@code promptyard dev --serve} says so only after
 * {@link DevStack#awaitServing} returns, and a request published then must not sit in a route topic
 * that no worker consumer has been given yet.
 */
class DevStackServingIT {

  @Test
  void awaitServingReturnsOnlyOnceTheRouterRunsAndEveryRoutePartitionHasAWorkerConsumer()
      throws Exception {
    try (DevStack stack = DevStack.start(DevStack.Options.defaults())) {

      stack.awaitServing(Duration.ofMinutes(2));

      assertThat(stack.router().state()).isEqualTo(KafkaStreams.State.RUNNING);
      assertThat(stack.usage().state()).isEqualTo(KafkaStreams.State.RUNNING);
      try (Admin admin = stack.kafka().admin()) {
        Set<TopicPartition> routePartitions = new HashSet<>();
        for (Priority lane : Priority.values()) {
          String topic = stack.topics().route("sim", lane);
          admin
              .describeTopics(List.of(topic))
              .allTopicNames()
              .get(30, TimeUnit.SECONDS)
              .get(topic)
              .partitions()
              .forEach(p -> routePartitions.add(new TopicPartition(topic, p.partition())));
        }
        Set<TopicPartition> assigned = new HashSet<>();
        admin
            .describeShareGroups(List.of(DevStack.WORKER_GROUP))
            .describedGroups()
            .get(DevStack.WORKER_GROUP)
            .get(30, TimeUnit.SECONDS)
            .members()
            .forEach(m -> assigned.addAll(m.assignment().topicPartitions()));
        assertThat(routePartitions).hasSizeGreaterThan(1);
        assertThat(assigned).containsAll(routePartitions);
      }
    }
  }
}
