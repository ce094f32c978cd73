package io.promptyard.usage.totals;

import java.util.Map;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;

/**
 * Builds a {@link WriteBehindStore} over a changelogged store built by {@code inner} (which must
 * not cache).
 */
public final class WriteBehindStoreBuilder<V, S> implements StoreBuilder<WriteBehindStore<V, S>> {

  private final StoreBuilder<KeyValueStore<String, S>> inner;
  private final WriteBehindStore.Codec<V, S> codec;
  private final int maxCached;

  public WriteBehindStoreBuilder(
      StoreBuilder<KeyValueStore<String, S>> inner,
      WriteBehindStore.Codec<V, S> codec,
      int maxCached) {
    this.inner = inner.withCachingDisabled();
    this.codec = codec;
    this.maxCached = maxCached;
  }

  @Override
  public StoreBuilder<WriteBehindStore<V, S>> withCachingEnabled() {
    return this; // this store is the cache
  }

  @Override
  public StoreBuilder<WriteBehindStore<V, S>> withCachingDisabled() {
    return this;
  }

  @Override
  public StoreBuilder<WriteBehindStore<V, S>> withLoggingEnabled(Map<String, String> config) {
    inner.withLoggingEnabled(config);
    return this;
  }

  @Override
  public StoreBuilder<WriteBehindStore<V, S>> withLoggingDisabled() {
    inner.withLoggingDisabled();
    return this;
  }

  @Override
  public WriteBehindStore<V, S> build() {
    return new WriteBehindStore<>(inner.build(), codec, maxCached);
  }

  @Override
  public Map<String, String> logConfig() {
    return inner.logConfig();
  }

  @Override
  public boolean loggingEnabled() {
    return inner.loggingEnabled();
  }

  @Override
  public String name() {
    return inner.name();
  }
}
