package io.promptyard.usage.totals;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * What exactly-once rests on: values reach the store beneath at a commit's flush, and an aborted
 * task's changes are dropped.
 */
class WriteBehindStoreTest {

  private final AtomicInteger encodes = new AtomicInteger();
  private final KeyValueStore<String, Long> beneath =
      Stores.keyValueStoreBuilder(
              Stores.inMemoryKeyValueStore("beneath"), Serdes.String(), Serdes.Long())
          .withLoggingDisabled()
          .build();
  private final WriteBehindStore<Long, Long> store =
      new WriteBehindStore<>(
          beneath,
          new WriteBehindStore.Codec<Long, Long>(
              v -> {
                encodes.incrementAndGet();
                return v;
              },
              v -> v),
          2);

  WriteBehindStoreTest() {
    store.init(new MockProcessorContext<>().getStateStoreContext(), store);
  }

  @AfterEach
  void close() {
    store.close();
  }

  @Test
  void changedValuesAreEncodedAndWrittenBeneathOncePerFlush() {
    for (long i = 1; i <= 100; i++) {
      store.put("a", i);
    }
    assertThat(store.get("a")).isEqualTo(100L);
    assertThat(beneath.get("a")).as("nothing written before the commit").isNull();

    store.flushCache();

    assertThat(beneath.get("a")).isEqualTo(100L);
    assertThat(encodes).hasValue(1);
  }

  @Test
  void changesOfATaskClosedDirtyAreDroppedAndTheStoreBeneathIsReadAgain() {
    store.put("a", 1L);
    store.flushCache();
    store.put("a", 2L);

    store.clearCache();

    assertThat(store.get("a")).isEqualTo(1L);
  }

  @Test
  void rangesSeeUnflushedValuesAndFlushedOnesAlike() {
    store.put("k1", 1L);
    store.put("k2", 2L);
    store.put("k3", 3L);
    store.flushCache(); // more than maxCached: the memory is emptied, the values are beneath
    store.put("k2", 20L);
    store.put("k4", 4L);

    var seen = new java.util.TreeMap<String, Long>();
    try (var it = store.range("k2", "k4")) {
      it.forEachRemaining(kv -> seen.put(kv.key, kv.value));
    }
    assertThat(seen)
        .containsExactly(
            java.util.Map.entry("k2", 20L),
            java.util.Map.entry("k3", 3L),
            java.util.Map.entry("k4", 4L));
    assertThat(store.get("missing")).isNull();
    assertThat(store.get("missing")).isNull();
  }
}
