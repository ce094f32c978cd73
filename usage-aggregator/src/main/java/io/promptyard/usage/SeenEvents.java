package io.promptyard.usage;

import io.promptyard.schemas.UsageEvent;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * The usage events a task has counted, by team and event id, each with the time it occurred, kept
 * for the dedup retention. Request ids are chosen by producers, so two teams may use the same one;
 * the event id (request id and attempt, attempts numbered across the whole fallback chain) is
 * unique within a team.
 *
 * <p>Stores written before the team was part of the key hold bare event ids ({@link #legacyKey}).
 * Such an entry names no team, so it is taken for this event only if it also holds the event's
 * occurrence time to the millisecond: a redelivered copy has it, another team's event with the same
 * id does not. Legacy keys are never written again and leave the store with the retention; to spare
 * the second lookup, it is made only for events no later than the newest legacy entry, found by one
 * scan of the store the first time it is used and remembered in the store under {@link
 * #LEGACY_BOUND_KEY}.
 */
final class SeenEvents {

  /**
   * The key under which the store remembers the latest occurrence time of its legacy entries
   * ({@link Long#MIN_VALUE}: none). Neither an event key nor a legacy key can be empty.
   */
  static final String LEGACY_BOUND_KEY = "";

  private final KeyValueStore<String, Long> store;
  private Long legacyBound;

  SeenEvents(KeyValueStore<String, Long> store) {
    this.store = store;
  }

  /**
   * The key of team {@code team}'s event {@code eventId}: {@code <length of team>:<team>/<event
   * id>/}. The length prefix keeps it unambiguous whatever the team and id contain ({@code a:b} +
   * {@code c:1} and {@code a} + {@code b:c:1} differ); the trailing {@code /} keeps it apart from
   * legacy keys, which end in the attempt's digits.
   */
  static String key(String team, String eventId) {
    return team.length() + ":" + team + "/" + eventId + "/";
  }

  /** The key an event had before the team was part of it: its bare event id. */
  static String legacyKey(String eventId) {
    return eventId;
  }

  /** Whether this event was counted already. */
  boolean contains(UsageEvent e) {
    if (store.get(key(e.getTeam(), e.getEventId())) != null) {
      return true;
    }
    long occurred = e.getOccurredAt().toEpochMilli();
    if (occurred > legacyBound()) {
      return false;
    }
    Long counted = store.get(legacyKey(e.getEventId()));
    return counted != null && counted == occurred;
  }

  /** Records the event as counted. */
  void add(UsageEvent e) {
    store.put(key(e.getTeam(), e.getEventId()), e.getOccurredAt().toEpochMilli());
  }

  /** Forgets the events that occurred before {@code horizon}; returns how many. */
  int forgetBefore(long horizon) {
    List<String> old = new ArrayList<>();
    try (KeyValueIterator<String, Long> it = store.all()) {
      while (it.hasNext()) {
        KeyValue<String, Long> kv = it.next();
        if (kv.value < horizon && !kv.key.equals(LEGACY_BOUND_KEY)) {
          old.add(kv.key);
        }
      }
    }
    old.forEach(store::delete);
    return old.size();
  }

  /**
   * The latest occurrence time of a legacy entry: read once from the store, or found by a scan and
   * written there the first time this store is used by a version that knows them.
   */
  private long legacyBound() {
    if (legacyBound == null) {
      legacyBound = store.get(LEGACY_BOUND_KEY);
      if (legacyBound == null) {
        long latest = Long.MIN_VALUE;
        try (KeyValueIterator<String, Long> it = store.all()) {
          while (it.hasNext()) {
            KeyValue<String, Long> kv = it.next();
            if (!kv.key.endsWith("/") && !kv.key.equals(LEGACY_BOUND_KEY)) {
              latest = Math.max(latest, kv.value);
            }
          }
        }
        legacyBound = latest;
        store.put(LEGACY_BOUND_KEY, latest);
      }
    }
    return legacyBound;
  }
}
