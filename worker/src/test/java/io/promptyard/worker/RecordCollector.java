package io.promptyard.worker;

import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * Reads topics from the beginning on a thread of its own and keeps every record, for assertions in
 * tests.
 */
public final class RecordCollector implements AutoCloseable {

  private final KafkaConsumer<String, byte[]> consumer;
  private final ConcurrentLinkedQueue<ConsumerRecord<String, byte[]>> records =
      new ConcurrentLinkedQueue<>();
  private final AtomicBoolean running = new AtomicBoolean(true);
  private final Thread thread;

  public RecordCollector(String bootstrapServers, Collection<String> topics) {
    consumer =
        new KafkaConsumer<>(
            Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                bootstrapServers,
                ConsumerConfig.GROUP_ID_CONFIG,
                "collector-" + UUID.randomUUID(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG,
                "earliest",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG,
                false),
            new StringDeserializer(),
            new ByteArrayDeserializer());
    consumer.subscribe(topics);
    thread =
        Thread.ofPlatform()
            .name("collector")
            .start(
                () -> {
                  try {
                    while (running.get()) {
                      consumer.poll(Duration.ofMillis(100)).forEach(records::add);
                    }
                  } catch (WakeupException e) {
                    // closing
                  } finally {
                    consumer.close();
                  }
                });
  }

  public List<ConsumerRecord<String, byte[]>> records() {
    return List.copyOf(records);
  }

  public List<ConsumerRecord<String, byte[]>> records(String topic) {
    return records.stream().filter(r -> r.topic().equals(topic)).toList();
  }

  @Override
  public void close() throws InterruptedException {
    running.set(false);
    consumer.wakeup();
    thread.join(10_000);
  }
}
