package io.promptyard.client.batch;

import com.fasterxml.jackson.core.JsonProcessingException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.function.IntConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Publishes batch lines to the JSON ingress topic, keyed by request id, and waits until the broker
 * has them all.
 */
public final class BatchSubmitter implements AutoCloseable {

  private final KafkaProducer<String, byte[]> producer;
  private final String topic;

  public BatchSubmitter(String bootstrapServers, String topic) {
    this(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers), topic);
  }

  /**
   * A submitter whose producer takes {@code clientConfig} (bootstrap servers, timeouts) as well.
   */
  public BatchSubmitter(Map<String, Object> clientConfig, String topic) {
    Map<String, Object> config = new java.util.HashMap<>(clientConfig);
    config.put(ProducerConfig.ACKS_CONFIG, "all");
    config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    config.put(ProducerConfig.LINGER_MS_CONFIG, 10);
    config.putIfAbsent(
        ProducerConfig.MAX_BLOCK_MS_CONFIG, config.getOrDefault("default.api.timeout.ms", 60_000));
    config.remove(
        "default.api.timeout.ms"); // a consumer/admin setting; the producer would warn about it
    this.producer = new KafkaProducer<>(config, new StringSerializer(), new ByteArraySerializer());
    this.topic = topic;
  }

  /**
   * Submits every line.
   *
   * @param progress told the number of lines the broker has acknowledged so far
   */
  public void submit(List<BatchInput.Line> lines, IntConsumer progress)
      throws InterruptedException {
    List<Future<RecordMetadata>> sent = new ArrayList<>(lines.size());
    for (BatchInput.Line line : lines) {
      try {
        sent.add(
            producer.send(
                new ProducerRecord<>(
                    topic,
                    line.requestId(),
                    BatchInput.JSON.writeValueAsBytes(line.ingressBody()))));
      } catch (JsonProcessingException e) {
        throw new IllegalStateException("cannot serialise line " + line.lineNumber(), e);
      }
    }
    producer.flush();
    int done = 0;
    for (Future<RecordMetadata> f : sent) {
      try {
        f.get();
      } catch (ExecutionException e) {
        throw new IllegalStateException(
            "Kafka refused a request of the batch: " + e.getCause().getMessage(), e.getCause());
      }
      progress.accept(++done);
    }
  }

  @Override
  public void close() {
    producer.close();
  }
}
