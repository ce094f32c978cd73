package io.promptyard.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.promptyard.client.batch.ResultCollector;
import io.promptyard.schemas.ResultStatus;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * One batch of distinct requests published to the JSON ingress topic, as fast as the producer takes
 * them or at a steady rate, and their results read from the results topic: when each request was
 * handed to the producer and when its result was read, on this JVM's monotonic clock.
 */
final class LoadRun {

  private static final ObjectMapper JSON = new ObjectMapper();

  private final String batch;
  private final int count;
  private final AtomicLongArray submitted;
  private final long[] arrivals;
  private final Latencies latencies = new Latencies();
  private final AtomicInteger sent = new AtomicInteger();
  private final AtomicInteger results = new AtomicInteger();
  private int succeeded;
  private long startNanos;

  LoadRun(String batch, int count) {
    this.batch = batch;
    this.count = count;
    this.submitted = new AtomicLongArray(count);
    this.arrivals = new long[count];
  }

  /**
   * Submits the batch on another thread while collecting its results on this one, until every
   * result arrived or {@code timeout} passed.
   *
   * @param perSecond requests per second, or 0 for as fast as the producer takes them
   * @param priority {@code interactive} or {@code batch}
   */
  LoadRun run(
      String bootstrapServers,
      String requestsTopic,
      ResultCollector collector,
      double perSecond,
      String priority,
      Duration timeout)
      throws Exception {
    AtomicReference<Exception> refused = new AtomicReference<>();
    startNanos = System.nanoTime();
    CompletableFuture<Void> submission =
        CompletableFuture.runAsync(
            () -> submit(bootstrapServers, requestsTopic, perSecond, priority, refused));
    String prefix = BenchRequests.idPrefix(batch);
    collector.count(
        r -> r.getId().startsWith(prefix),
        count,
        timeout,
        r -> {
          long now = System.nanoTime();
          int i = Integer.parseInt(r.getId().substring(prefix.length()));
          latencies.record((now - submitted.get(i)) / 1_000_000);
          arrivals[results.getAndIncrement()] = now;
          if (r.getStatus() == ResultStatus.SUCCEEDED) {
            succeeded++;
          }
        });
    submission.join();
    if (refused.get() != null) {
      throw new IllegalStateException(
          "Kafka refused a request: " + refused.get().getMessage(), refused.get());
    }
    return this;
  }

  private void submit(
      String bootstrapServers,
      String topic,
      double perSecond,
      String priority,
      AtomicReference<Exception> refused) {
    try (KafkaProducer<String, byte[]> producer = BacklogProducer.open(bootstrapServers, 5)) {
      for (int i = 0; i < count; i++) {
        if (perSecond > 0) {
          long due = startNanos + (long) (i * 1e9 / perSecond);
          LockSupport.parkNanos(due - System.nanoTime());
        }
        byte[] body = JSON.writeValueAsBytes(BenchRequests.body(batch, i, priority));
        submitted.set(i, System.nanoTime());
        producer.send(
            new ProducerRecord<>(topic, BenchRequests.id(batch, i), body),
            (metadata, e) -> {
              if (e != null) {
                refused.compareAndSet(null, e);
              }
            });
        sent.incrementAndGet();
      }
      producer.flush();
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException("cannot serialise a benchmark request", e);
    }
  }

  /** Requests handed to the producer so far. */
  int sent() {
    return sent.get();
  }

  /** Results read so far (one per request id). */
  int results() {
    return results.get();
  }

  int succeeded() {
    return succeeded;
  }

  Latencies latencies() {
    return latencies;
  }

  Throughput throughput() {
    return Throughput.of(startNanos, java.util.Arrays.copyOf(arrivals, results.get()));
  }
}
