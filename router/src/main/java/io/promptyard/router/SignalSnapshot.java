package io.promptyard.router;

import io.promptyard.router.routing.RoutingSignals;
import io.promptyard.schemas.Budget;
import io.promptyard.schemas.ProviderHealth;
import io.promptyard.schemas.serde.AvroSerde;
import io.promptyard.schemas.serde.UndecodableRecordException;
import io.promptyard.schemas.topics.Topics;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;

/**
 * The provider-health and budget-status topics read once to their end, as the router's global
 * stores hold them: what {@code promptyard route --explain --live} decides with. Undecodable values
 * are skipped like the router skips them.
 */
public record SignalSnapshot(
    Map<String, ProviderHealth> healthByKey, Map<String, Budget> budgetByTeam)
    implements RoutingSignals {

  public SignalSnapshot {
    healthByKey = Map.copyOf(healthByKey);
    budgetByTeam = Map.copyOf(budgetByTeam);
  }

  @Override
  public Optional<ProviderHealth> health(String key) {
    return Optional.ofNullable(healthByKey.get(key));
  }

  @Override
  public Optional<Budget> budget(String team) {
    return Optional.ofNullable(budgetByTeam.get(team));
  }

  /**
   * Reads both topics with {@code consumer} (no group, read_committed, no auto-created topics),
   * from the beginning to their current end.
   */
  public static SignalSnapshot read(
      Consumer<String, byte[]> consumer, Topics topics, Duration timeout) {
    Map<String, byte[]> health = readToEnd(consumer, topics.providerHealth(), timeout);
    Map<String, byte[]> budgets = readToEnd(consumer, topics.budgetStatus(), timeout);
    return new SignalSnapshot(
        decode(health, AvroSerde.of(ProviderHealth.class)),
        decode(budgets, AvroSerde.of(Budget.class)));
  }

  /**
   * The latest value of each key of the compacted {@code topic}, read with {@code consumer} from
   * the beginning to its current end; empty when the topic does not exist.
   */
  public static Map<String, byte[]> readToEnd(
      Consumer<String, byte[]> consumer, String topic, Duration timeout) {
    List<PartitionInfo> infos = consumer.partitionsFor(topic, timeout);
    Map<String, byte[]> latest = new HashMap<>();
    if (infos == null || infos.isEmpty()) {
      return latest;
    }
    List<TopicPartition> partitions =
        infos.stream().map(i -> new TopicPartition(topic, i.partition())).toList();
    consumer.assign(partitions);
    consumer.seekToBeginning(partitions);
    Map<TopicPartition, Long> end = consumer.endOffsets(partitions, timeout);
    Instant deadline = Instant.now().plus(timeout);
    while (partitions.stream().anyMatch(p -> consumer.position(p, timeout) < end.get(p))) {
      if (Instant.now().isAfter(deadline)) {
        throw new IllegalStateException(
            "could not read " + topic + " to its end within " + timeout.toSeconds() + " s");
      }
      for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(200))) {
        if (r.key() != null) {
          if (r.value() == null) {
            latest.remove(r.key());
          } else {
            latest.put(r.key(), r.value());
          }
        }
      }
    }
    return latest;
  }

  private static <T extends org.apache.avro.specific.SpecificRecord> Map<String, T> decode(
      Map<String, byte[]> raw, AvroSerde<T> serde) {
    Map<String, T> out = new HashMap<>();
    raw.forEach(
        (k, v) -> {
          try {
            out.put(k, serde.decode(v));
          } catch (UndecodableRecordException e) {
            // skipped, as the router skips it
          }
        });
    return out;
  }
}
