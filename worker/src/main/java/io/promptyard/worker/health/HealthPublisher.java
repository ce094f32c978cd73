package io.promptyard.worker.health;

import io.promptyard.schemas.ProviderHealth;
import io.promptyard.schemas.ProviderKeyStatus;
import io.promptyard.schemas.serde.AvroSerde;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes what the circuit breakers know about each provider (and provider/model) to the
 * compacted provider-health topic, keyed by provider or provider/model: every interval, and at once
 * when a circuit changes state, so that the router stops routing to an open circuit within moments.
 */
public final class HealthPublisher implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(HealthPublisher.class);

  private final CircuitBreakerGuard breakers;
  private final Function<String, List<ProviderKeyStatus>> keys;
  private final Producer<String, byte[]> producer;
  private final String topic;
  private final AvroSerde<ProviderHealth> serde = AvroSerde.of(ProviderHealth.class);
  // One thread: periodic and transition-driven publications never interleave, so the newest record
  // of a key
  // is always the newest state.
  private final ScheduledExecutorService scheduler =
      Executors.newSingleThreadScheduledExecutor(
          r -> Thread.ofPlatform().daemon().name("health-publisher").unstarted(r));

  private HealthPublisher(
      CircuitBreakerGuard breakers,
      Function<String, List<ProviderKeyStatus>> keys,
      Producer<String, byte[]> producer,
      String topic) {
    this.breakers = breakers;
    this.keys = keys;
    this.producer = producer;
    this.topic = topic;
  }

  /** Starts publishing; the first records go out at once. */
  public static HealthPublisher start(
      CircuitBreakerGuard breakers,
      Producer<String, byte[]> producer,
      String topic,
      Duration interval) {
    return start(breakers, provider -> null, producer, topic, interval);
  }

  /**
   * Starts publishing, with each provider's key statuses ({@code keys}, null while unknown) on its
   * own record; the first records go out at once.
   */
  public static HealthPublisher start(
      CircuitBreakerGuard breakers,
      Function<String, List<ProviderKeyStatus>> keys,
      Producer<String, byte[]> producer,
      String topic,
      Duration interval) {
    HealthPublisher publisher = new HealthPublisher(breakers, keys, producer, topic);
    breakers.onTransition(
        key -> {
          try {
            publisher.scheduler.execute(() -> publisher.publish(key));
          } catch (java.util.concurrent.RejectedExecutionException closed) {
            // the worker is stopping; the last published state stands until another worker
            // publishes
          }
        });
    publisher.scheduler.scheduleAtFixedRate(
        publisher::publishAll, 0, interval.toMillis(), TimeUnit.MILLISECONDS);
    return publisher;
  }

  private void publishAll() {
    try {
      breakers.health().forEach(this::send);
    } catch (RuntimeException e) {
      // A failed round must not end the schedule; the next one publishes the state again.
      log.warn("could not publish provider health to {}: {}", topic, e.toString());
    }
  }

  private void publish(String key) {
    try {
      breakers.health(key).ifPresent(this::send);
    } catch (RuntimeException e) {
      log.warn("could not publish the health of {} to {}: {}", key, topic, e.toString());
    }
  }

  private void send(ProviderHealth circuit) {
    // The key statuses go on the provider's own record, not on its models' or keys' circuits.
    ProviderHealth health =
        circuit.getKey().equals(circuit.getProvider())
            ? ProviderHealth.newBuilder(circuit).setKeys(keys.apply(circuit.getProvider())).build()
            : circuit;
    producer.send(
        new ProducerRecord<>(topic, health.getKey(), serde.encode(topic, health)),
        (metadata, error) -> {
          if (error != null) {
            log.warn(
                "provider health of {} not published to {}: {}",
                health.getKey(),
                topic,
                error.toString());
          }
        });
  }

  /** Stops publishing; the producer belongs to the caller. */
  @Override
  public void close() {
    scheduler.shutdownNow();
    try {
      scheduler.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
