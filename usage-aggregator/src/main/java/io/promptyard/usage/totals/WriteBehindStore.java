package io.promptyard.usage.totals;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.StateStore;
import org.apache.kafka.streams.processor.StateStoreContext;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.internals.CacheFlushListener;
import org.apache.kafka.streams.state.internals.CachedStateStore;
import org.apache.kafka.streams.state.internals.WrappedStateStore;

/**
 * A key-value store that keeps values decoded in memory and writes the changed ones to the
 * changelogged store beneath once per commit, instead of encoding every value on every update. Each
 * usage event changes nine totals; encoding their latency histograms on every event would cap
 * throughput far below the target.
 *
 * <p>Exactly-once rests on the flush happening inside the transaction: Kafka Streams flushes stores
 * that are {@link CachedStateStore}s (its own record cache among them) in {@code prepareCommit},
 * before the producer's transaction commits, and calls {@link #clearCache()} when a task is closed
 * dirty. That interface, and {@link WrappedStateStore}, which answers the name, queries and offsets
 * from the store beneath as Kafka Streams' own wrapping stores do, are internal to Kafka Streams,
 * so an upgrade must keep {@code WriteBehindStoreTest} and the restart test green.
 *
 * <p>Threads: only the stream thread puts and flushes; query threads read. Values are loaded with
 * {@code computeIfAbsent} and evicted only after they were written beneath, so a reader never
 * caches a stale value.
 */
public final class WriteBehindStore<V, S>
    extends WrappedStateStore<KeyValueStore<String, S>, String, V>
    implements KeyValueStore<String, V> {

  /** Converts between the in-memory value and the stored one. */
  public record Codec<V, S>(Function<V, S> encode, Function<S, V> decode) {}

  private final Codec<V, S> codec;
  private final int maxCached;

  /**
   * Marks a key known to be absent beneath, so that misses (new event ids, teams without a budget)
   * cost one lookup.
   */
  private static final Object ABSENT = new Object();

  private final Map<String, Object> cache = new ConcurrentHashMap<>();
  private final Set<String> dirty = new HashSet<>();

  WriteBehindStore(KeyValueStore<String, S> inner, Codec<V, S> codec, int maxCached) {
    super(inner);
    this.codec = codec;
    this.maxCached = maxCached;
  }

  @Override
  public void init(StateStoreContext context, StateStore root) {
    clearCache();
    wrapped().init(context, root);
  }

  @Override
  @SuppressWarnings("unchecked")
  public V get(String key) {
    Object v =
        cache.computeIfAbsent(
            key,
            k -> {
              S stored = wrapped().get(k);
              return stored == null ? ABSENT : codec.decode().apply(stored);
            });
    return v == ABSENT ? null : (V) v;
  }

  @Override
  public void put(String key, V value) {
    if (value == null) {
      delete(key);
      return;
    }
    cache.put(key, value);
    dirty.add(key);
  }

  @Override
  public V putIfAbsent(String key, V value) {
    V current = get(key);
    if (current == null) {
      put(key, value);
    }
    return current;
  }

  @Override
  public void putAll(List<KeyValue<String, V>> entries) {
    entries.forEach(e -> put(e.key, e.value));
  }

  @Override
  public V delete(String key) {
    V old = get(key);
    dirty.remove(key);
    wrapped().delete(key);
    cache.put(key, ABSENT);
    return old;
  }

  @Override
  @SuppressWarnings("unchecked")
  public void flushCache() {
    if (dirty.isEmpty()) {
      return;
    }
    List<KeyValue<String, S>> writes = new ArrayList<>(dirty.size());
    for (String key : dirty) {
      Object value = cache.get(key);
      if (value != null && value != ABSENT) {
        writes.add(KeyValue.pair(key, codec.encode().apply((V) value)));
      }
    }
    wrapped().putAll(writes);
    dirty.clear();
    if (cache.size() > maxCached) {
      cache.clear(); // every entry is in the store beneath now
    }
  }

  @Override
  public void clearCache() {
    dirty.clear();
    cache.clear();
  }

  @Override
  public boolean setFlushListener(CacheFlushListener<String, V> listener, boolean sendOldValues) {
    return false;
  }

  @Override
  public void commit(Map<TopicPartition, Long> changelogOffsets) {
    flushCache();
    wrapped().commit(changelogOffsets);
  }

  @Override
  public void flush() {
    commit(Map.of());
  }

  @Override
  public KeyValueIterator<String, V> range(String from, String to) {
    NavigableMap<String, V> merged = new TreeMap<>();
    try (KeyValueIterator<String, S> it =
        from == null && to == null ? wrapped().all() : wrapped().range(from, to)) {
      it.forEachRemaining(kv -> merged.put(kv.key, codec.decode().apply(kv.value)));
    }
    cache.forEach(
        (k, v) -> {
          if (v != ABSENT
              && (from == null || k.compareTo(from) >= 0)
              && (to == null || k.compareTo(to) <= 0)) {
            @SuppressWarnings("unchecked")
            V value = (V) v;
            merged.put(k, value);
          }
        });
    return new ListIterator<>(merged);
  }

  @Override
  public KeyValueIterator<String, V> all() {
    return range(null, null);
  }

  @Override
  public <PS extends org.apache.kafka.common.serialization.Serializer<P>, P>
      KeyValueIterator<String, V> prefixScan(P prefix, PS prefixKeySerializer) {
    String p = prefix.toString();
    return range(p, p + Character.MAX_VALUE);
  }

  @Override
  public long approximateNumEntries() {
    return wrapped().approximateNumEntries();
  }

  @Override
  public void close() {
    clearCache();
    wrapped().close();
  }

  /** Iterates a snapshot. */
  private static final class ListIterator<V> implements KeyValueIterator<String, V> {
    private final List<KeyValue<String, V>> entries = new ArrayList<>();
    private final Iterator<KeyValue<String, V>> it;
    private int next;

    ListIterator(NavigableMap<String, V> snapshot) {
      snapshot.forEach((k, v) -> entries.add(KeyValue.pair(k, v)));
      it = entries.iterator();
    }

    @Override
    public boolean hasNext() {
      return it.hasNext();
    }

    @Override
    public KeyValue<String, V> next() {
      next++;
      return it.next();
    }

    @Override
    public String peekNextKey() {
      return next < entries.size() ? entries.get(next).key : null;
    }

    @Override
    public void close() {}
  }
}
