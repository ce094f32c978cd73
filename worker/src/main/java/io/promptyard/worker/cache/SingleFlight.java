package io.promptyard.worker.cache;

import io.promptyard.schemas.CompletionResult;
import io.promptyard.schemas.ingress.ProducerText;
import java.time.Duration;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Identical cacheable requests in flight at once make one provider call. In this worker, the first
 * job to {@link #join} a cache key's flight leads it, and the others wait for its answer. Across
 * workers, the leader that claims the key in the cache calls the provider, and the other workers'
 * leaders wait for its answer to appear in the cache. A job whose leader does not answer (its call
 * failed, or its worker died and the claim expired) calls for itself.
 *
 * <pre>{@code
 * try (SingleFlight.Flight flight = singleFlight.join(key, requestId)) {
 *   Optional<CompletionResult> answer = flight.awaitAnswer();   // empty: this job calls the provider
 *   ...
 *   flight.answered(result);                                    // shared with the jobs waiting in this worker
 * }
 * }</pre>
 */
public final class SingleFlight {

  private static final Logger log = LoggerFactory.getLogger(SingleFlight.class);

  /**
   * How long a claim on a cache key lasts at most: past it, a worker that died while calling holds
   * nobody up.
   */
  private static final Duration LEASE = Duration.ofSeconds(60);

  /** How often a worker waiting for another's answer looks in the cache. */
  private static final Duration POLL = Duration.ofMillis(100);

  private final ResponseCache cache;
  private final CachedResults answers;

  /** The leaders' answers by cache key; shared by the jobs of this worker on purpose. */
  private final ConcurrentHashMap<CacheKey, CompletableFuture<CompletionResult>> inFlight =
      new ConcurrentHashMap<>();

  /** Names this worker's claims on cache keys. */
  private final String workerId = UUID.randomUUID().toString();

  /**
   * @param cache where claims are taken (they span workers when the cache does)
   * @param answers where a claim's holder stores its answer
   */
  public SingleFlight(ResponseCache cache, CachedResults answers) {
    this.cache = cache;
    this.answers = answers;
  }

  /** Joins the flight of {@code key} as request {@code requestId}; closing the flight leaves it. */
  public Flight join(CacheKey key, String requestId) {
    CompletableFuture<CompletionResult> mine = new CompletableFuture<>();
    return new Flight(key, requestId, mine, inFlight.putIfAbsent(key, mine));
  }

  /** One job's place in a flight: as its leader in this worker, or waiting for that leader. */
  public final class Flight implements AutoCloseable {

    private final CacheKey key;
    private final String requestId;
    private final CompletableFuture<CompletionResult> mine;

    /** The leader's answer to come; null when this job leads. */
    private final CompletableFuture<CompletionResult> leader;

    /** The owner of this job's claim in the cache; null while it holds none. */
    private String claim;

    private CompletionResult answer;

    private Flight(
        CacheKey key,
        String requestId,
        CompletableFuture<CompletionResult> mine,
        CompletableFuture<CompletionResult> leader) {
      this.key = key;
      this.requestId = requestId;
      this.mine = mine;
      this.leader = leader;
    }

    /**
     * The answer another job got for this question, waiting for it: the leader's in this worker, or
     * another worker's from the cache. Empty when this job must call the provider itself.
     */
    public Optional<CompletionResult> awaitAnswer() throws InterruptedException {
      if (leader != null) {
        try {
          return Optional.ofNullable(leader.get());
        } catch (ExecutionException e) {
          // the leader's failure is its own; this job tries for itself
          return Optional.empty();
        }
      }
      String owner = workerId + ":" + requestId;
      if (cache.claim(key, owner, LEASE)) {
        claim = owner;
        return Optional.empty();
      }
      log.debug(
          "request {}: another worker is asking the same question; waiting for its answer",
          ProducerText.escape(requestId));
      long deadline = System.nanoTime() + LEASE.toNanos();
      while (System.nanoTime() < deadline) {
        Thread.sleep(POLL);
        Optional<CompletionResult> hit = answers.find(key, requestId);
        if (hit.isPresent()) {
          return hit;
        }
        if (!cache.claimed(key)) {
          // The answer is stored before the claim is given up: a last look decides.
          return answers.find(key, requestId);
        }
      }
      return Optional.empty();
    }

    /**
     * Shares this job's successful answer with the jobs of this worker waiting for it; call it
     * before closing.
     */
    public void answered(CompletionResult result) {
      answer = result;
    }

    /**
     * Leaves the flight: a leader gives up its claim, and its followers get its answer, or call for
     * themselves.
     */
    @Override
    public void close() {
      if (leader != null) {
        return;
      }
      if (claim != null) {
        cache.release(key, claim);
      }
      inFlight.remove(key, mine);
      mine.complete(answer);
    }
  }
}
