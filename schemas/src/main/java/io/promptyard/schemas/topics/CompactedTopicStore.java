package io.promptyard.schemas.topics;

import java.util.function.Consumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;

/**
 * A global in-memory store that holds a compacted topic's values as the bytes on the wire: a value
 * puts, a tombstone deletes. Kafka Streams restores global stores by copying the topic's bytes
 * without the update processor, so the processor stores bytes too; readers decode them.
 */
public final class CompactedTopicStore {

  private CompactedTopicStore() {}

  /**
   * Adds the store and its source and update processor to {@code topology}.
   *
   * @param onKeyless told of a record without a key, which the store cannot hold and skips
   */
  public static void addTo(
      Topology topology,
      String store,
      String topic,
      String sourceName,
      String processorName,
      Consumer<Record<String, byte[]>> onKeyless) {
    topology.addGlobalStore(
        Stores.keyValueStoreBuilder(
                Stores.inMemoryKeyValueStore(store), Serdes.String(), Serdes.ByteArray())
            .withLoggingDisabled()
            .withCachingDisabled(),
        sourceName,
        new StringDeserializer(),
        new ByteArrayDeserializer(),
        topic,
        processorName,
        () -> new Updater(store, onKeyless));
  }

  private static final class Updater implements Processor<String, byte[], Void, Void> {
    private final String storeName;
    private final Consumer<Record<String, byte[]>> onKeyless;
    private KeyValueStore<String, byte[]> store;

    Updater(String storeName, Consumer<Record<String, byte[]>> onKeyless) {
      this.storeName = storeName;
      this.onKeyless = onKeyless;
    }

    @Override
    public void init(ProcessorContext<Void, Void> context) {
      store = context.getStateStore(storeName);
    }

    @Override
    public void process(Record<String, byte[]> record) {
      if (record.key() == null) {
        onKeyless.accept(record);
      } else if (record.value() == null) {
        store.delete(record.key());
      } else {
        store.put(record.key(), record.value());
      }
    }
  }
}
