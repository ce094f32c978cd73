package io.promptyard.usage;

import java.util.Map;
import org.apache.kafka.streams.state.RocksDBConfigSetter;
import org.rocksdb.Options;

/**
 * Tunes the RocksDB instance behind the event-id dedup store for what it does: one point lookup per
 * usage event, almost always a miss. {@link Options#optimizeForPointLookup} gives it a hashed index
 * and a whole-key Bloom filter, so a miss is answered without reading a data block. The other
 * stores keep Kafka Streams' defaults.
 */
public final class SeenStoreRocksDbConfig implements RocksDBConfigSetter {

  private static final long BLOCK_CACHE_MB = 16;

  @Override
  public void setConfig(String storeName, Options options, Map<String, Object> configs) {
    if (storeName.equals(UsageTopology.SEEN_STORE)) {
      options.optimizeForPointLookup(BLOCK_CACHE_MB);
    }
  }

  @Override
  public void close(String storeName, Options options) {}
}
