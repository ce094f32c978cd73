package io.promptyard.dev;

import io.promptyard.client.RecordDecoder;
import io.promptyard.client.batch.ResultCollector;
import io.promptyard.schemas.UsageEvent;
import io.promptyard.schemas.topics.TopicAssignment;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The shadow calls on the usage topic: the provider calls that verify a sample of semantic cache
 * hits. The aggregator bills their tokens and cost to the team, but no result carries them, so sums
 * over the results leave them out. Reads the topic from its beginning, without a consumer group.
 */
final class ShadowCalls implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(ShadowCalls.class);

  private final Consumer<String, byte[]> consumer;
  private final RecordDecoder<UsageEvent> decoder = RecordDecoder.of(UsageEvent.class, log);
  private final Map<String, TeamTotals> byTeam = new TreeMap<>();
  private final Map<String, Long> calls = new TreeMap<>();

  ShadowCalls(String bootstrapServers, String usageTopic) {
    consumer =
        new KafkaConsumer<>(
            ResultCollector.consumerConfig(Map.of("bootstrap.servers", bootstrapServers)),
            new StringDeserializer(),
            new ByteArrayDeserializer());
    try {
      TopicAssignment.fromBeginning(consumer, usageTopic, bootstrapServers);
    } catch (IllegalStateException e) {
      consumer.close();
      throw e;
    }
  }

  /**
   * Reads what the topic took since the last look, waiting at most {@code wait} for it.
   *
   * @return per team, the tokens and cost of its shadow calls so far (no requests, no cache hits)
   */
  Map<String, TeamTotals> poll(Duration wait) {
    for (ConsumerRecord<String, byte[]> record : consumer.poll(wait)) {
      decoder.decode(record).filter(UsageEvent::getShadow).ifPresent(this::add);
    }
    return new TreeMap<>(byTeam);
  }

  /** Per team, how many shadow calls {@link #poll} has seen. */
  Map<String, Long> calls() {
    return new TreeMap<>(calls);
  }

  private void add(UsageEvent e) {
    calls.merge(e.getTeam(), 1L, Long::sum);
    byTeam.merge(
        e.getTeam(),
        new TeamTotals(
            e.getTeam(),
            0,
            0,
            e.getUsage().getInputTokens(),
            e.getUsage().getOutputTokens(),
            e.getCostMicros()),
        TeamTotals::sum);
  }

  @Override
  public void close() {
    consumer.close();
  }
}
