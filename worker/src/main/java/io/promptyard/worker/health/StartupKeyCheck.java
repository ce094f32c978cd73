package io.promptyard.worker.health;

import io.promptyard.providers.ChatProvider;
import io.promptyard.providers.KeyCheck;
import io.promptyard.providers.ProviderException;
import io.promptyard.schemas.ErrorCode;
import io.promptyard.schemas.KeyCheckStatus;
import io.promptyard.schemas.ProviderKeyStatus;
import io.promptyard.schemas.ingress.ProducerText;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The check of every provider's API keys when a worker starts: run in the background, so that the
 * worker takes jobs at once, and bounded in time. Each key's status (by key id, never the key) is
 * logged, kept for {@code /health} and the provider-health topic, and a provider none of whose keys
 * can serve a call (all refused, out of quota, or none configured) has its circuit opened as a
 * broken account's is, so that the router stops routing to it until a trial call succeeds.
 */
public final class StartupKeyCheck implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(StartupKeyCheck.class);

  private final Map<String, List<KeyCheck>> checks = new ConcurrentHashMap<>();
  private final Map<String, Instant> checkedAt = new ConcurrentHashMap<>();
  private final ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor();
  private final Clock clock;

  private StartupKeyCheck(Clock clock) {
    this.clock = clock;
  }

  /**
   * Starts checking the keys of {@code providers} on virtual threads, one per provider, and returns
   * at once; a provider whose check has not ended within {@code bound} is reported UNREACHABLE.
   *
   * @param adapters the worker's adapter of each provider, so that a key refused at the check is
   *     out of the rotation its calls use
   */
  public static StartupKeyCheck start(
      List<String> providers,
      Function<String, ChatProvider> adapters,
      CircuitBreakerGuard breakers,
      Duration bound,
      Clock clock) {
    StartupKeyCheck check = new StartupKeyCheck(clock);
    Map<String, Future<List<KeyCheck>>> running = new TreeMap<>();
    for (String p : providers) {
      running.put(p, check.threads.submit(() -> KeyCheck.run(p, () -> adapters.apply(p))));
    }
    Thread.ofVirtual()
        .name("key-check")
        .start(() -> check.collect(running, breakers, System.nanoTime() + bound.toNanos(), bound));
    return check;
  }

  private void collect(
      Map<String, Future<List<KeyCheck>>> running,
      CircuitBreakerGuard breakers,
      long deadline,
      Duration bound) {
    for (var e : running.entrySet()) {
      String provider = e.getKey();
      List<KeyCheck> found;
      try {
        found = e.getValue().get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
      } catch (TimeoutException slow) {
        e.getValue().cancel(true);
        found =
            List.of(
                new KeyCheck(
                    provider,
                    KeyCheck.NO_KEY,
                    KeyCheck.Status.UNREACHABLE,
                    "the check did not end within " + bound.toSeconds() + " s"));
      } catch (InterruptedException stopping) {
        Thread.currentThread().interrupt();
        return;
      } catch (java.util.concurrent.ExecutionException unexpected) {
        // KeyCheck.run catches what an adapter throws; this is a bug, said without its message
        found =
            List.of(
                KeyCheck.notChecked(
                    provider, "the check failed: " + unexpected.getCause().getClass().getName()));
      }
      record(provider, found, breakers);
    }
  }

  /** Keeps and logs one provider's checks, and opens its circuit when no key can serve a call. */
  private void record(String provider, List<KeyCheck> found, CircuitBreakerGuard breakers) {
    for (KeyCheck c : found) {
      if (c.status() == KeyCheck.Status.VALID || c.status() == KeyCheck.Status.NOT_CHECKED) {
        log.info(
            "key check: provider {} key {} {}{}",
            provider,
            c.keyId(),
            c.status(),
            c.detail().isEmpty() ? "" : ": " + ProducerText.escape(c.detail()));
      } else {
        log.warn(
            "key check: provider {} key {} {}: {}",
            provider,
            c.keyId(),
            c.status(),
            ProducerText.escape(c.detail()));
      }
    }
    if (KeyCheck.noneUsable(found)) {
      boolean quota = found.stream().allMatch(c -> c.status() == KeyCheck.Status.QUOTA_EXHAUSTED);
      // The codes a refused or out-of-quota call is classified as, so that the circuit refuses
      // jobs as it would after such a call: not retryable, on to their fallback.
      breakers.openBroken(
          provider,
          new ProviderException(
              quota ? ErrorCode.PERMISSION_DENIED : ErrorCode.AUTHENTICATION,
              false,
              null,
              "provider "
                  + provider
                  + ": the key check at start found no usable key ("
                  + (quota ? "every key out of quota" : "every key refused or none configured")
                  + ")",
              null,
              null));
    }
    // Published last: whoever sees a provider's checks sees its circuit opened already.
    checkedAt.put(provider, clock.instant());
    checks.put(provider, List.copyOf(found));
  }

  /** Every provider's checks so far, by provider; a provider still being checked is absent. */
  public Map<String, List<KeyCheck>> results() {
    return new TreeMap<>(checks);
  }

  /** What the provider-health topic says of one provider's keys: null until its check has ended. */
  public List<ProviderKeyStatus> statuses(String provider) {
    List<KeyCheck> found = checks.get(provider);
    if (found == null) {
      return null;
    }
    Instant at = checkedAt.get(provider);
    List<ProviderKeyStatus> statuses = new ArrayList<>(found.size());
    for (KeyCheck c : found) {
      statuses.add(
          ProviderKeyStatus.newBuilder()
              .setKeyId(c.keyId())
              .setStatus(KeyCheckStatus.valueOf(c.status().name()))
              .setDetail(c.detail())
              .setCheckedAt(at)
              .build());
    }
    return statuses;
  }

  /** Abandons checks still running (the worker is stopping). */
  @Override
  public void close() {
    threads.shutdownNow();
  }
}
