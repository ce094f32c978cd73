package io.promptyard.worker.job;

import io.promptyard.worker.guard.CallGuard;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Chooses the API key of each provider call, so that rate limits and circuits can be kept per key:
 * the provider's keys in turn, passing over those a guard refuses (a key whose circuit is open).
 * When every key is refused, the next in turn is chosen anyway and the guard's refusal decides what
 * happens to the job.
 */
final class KeyRotation {

  /**
   * Calls per provider so far; shared by the jobs of this worker on purpose, so that they take
   * turns.
   */
  private final ConcurrentHashMap<String, AtomicLong> turns = new ConcurrentHashMap<>();

  /**
   * The id of the key the next call to {@code provider} uses; null when the provider has no keys to
   * choose from.
   */
  String choose(String provider, List<String> keyIds, CallGuard guard) {
    if (keyIds.isEmpty()) {
      return null;
    }
    long turn = turns.computeIfAbsent(provider, p -> new AtomicLong()).getAndIncrement();
    int n = keyIds.size();
    for (int i = 0; i < n; i++) {
      String id = keyIds.get((int) Math.floorMod(turn + i, (long) n));
      if (!guard.refusesKey(provider, id)) {
        return id;
      }
    }
    return keyIds.get((int) Math.floorMod(turn, (long) n));
  }
}
