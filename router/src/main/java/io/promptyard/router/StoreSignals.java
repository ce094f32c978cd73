package io.promptyard.router;

import io.promptyard.router.routing.RoutingSignals;
import io.promptyard.schemas.Budget;
import io.promptyard.schemas.ProviderHealth;
import io.promptyard.schemas.ingress.ProducerText;
import io.promptyard.schemas.serde.AvroSerde;
import io.promptyard.schemas.serde.UndecodableRecordException;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Routing signals read from the router's two global stores, which hold the provider-health and
 * budget-status records as their raw bytes. Each value is decoded once and kept until its bytes
 * change: a decision looks up health for every candidate model, and decoding Avro each time would
 * cost more than the decision.
 */
final class StoreSignals implements RoutingSignals {

  private final Decoded<ProviderHealth> health;
  private final Decoded<Budget> budgets;

  StoreSignals(KeyValueStore<String, byte[]> health, KeyValueStore<String, byte[]> budgets) {
    this.health = new Decoded<>(health, AvroSerde.of(ProviderHealth.class));
    this.budgets = new Decoded<>(budgets, AvroSerde.of(Budget.class));
  }

  @Override
  public Optional<ProviderHealth> health(String key) {
    return health.get(key);
  }

  @Override
  public Optional<Budget> budget(String team) {
    return budgets.get(team);
  }

  /**
   * One store's values, decoded on first read of each distinct value. Used by one stream thread.
   */
  private static final class Decoded<T extends org.apache.avro.specific.SpecificRecord> {
    private static final Logger log = LoggerFactory.getLogger(StoreSignals.class);

    private record Entry<T>(byte[] raw, T value) {}

    private final KeyValueStore<String, byte[]> store;
    private final AvroSerde<T> serde;
    private final Map<String, Entry<T>> decoded = new HashMap<>();

    Decoded(KeyValueStore<String, byte[]> store, AvroSerde<T> serde) {
      this.store = store;
      this.serde = serde;
    }

    Optional<T> get(String key) {
      byte[] raw = store.get(key);
      if (raw == null) {
        decoded.remove(key);
        return Optional.empty();
      }
      Entry<T> e = decoded.get(key);
      if (e == null || (e.raw() != raw && !Arrays.equals(e.raw(), raw))) {
        T value;
        try {
          value = serde.decode(raw);
        } catch (UndecodableRecordException ex) {
          // Logged once per distinct value: the record is ignored, as if the key had no report.
          log.warn(
              "ignoring undecodable {} for key {}: {}",
              store.name(),
              ProducerText.escape(key),
              ProducerText.escape(ex.getMessage()));
          value = null;
        }
        e = new Entry<>(raw, value);
        decoded.put(key, e);
      }
      return Optional.ofNullable(e.value());
    }
  }
}
