package io.promptyard.worker.cache;

import io.promptyard.schemas.CompletionResult;
import io.promptyard.schemas.ingress.ProducerText;
import io.promptyard.schemas.serde.AvroSerde;
import io.promptyard.schemas.serde.UndecodableRecordException;
import java.time.Duration;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The answers in a {@link ResponseCache}, read and written as results. Neither a bad entry nor a
 * failing cache fails a job: an entry that cannot be decoded is a miss, and an answer that cannot
 * be stored is returned uncached.
 */
public final class CachedResults {

  private static final Logger log = LoggerFactory.getLogger(CachedResults.class);

  private final ResponseCache cache;
  private final AvroSerde<CompletionResult> serde = AvroSerde.of(CompletionResult.class);

  public CachedResults(ResponseCache cache) {
    this.cache = cache;
  }

  /**
   * The cached answer for {@code key}. An entry this worker cannot decode (written by another
   * schema version, or corrupted) is a miss, not a failure: failing would fail every identical
   * request until the entry expires, and the fresh answer overwrites it.
   *
   * @param requestId the request looking, for the log
   */
  public Optional<CompletionResult> find(CacheKey key, String requestId) {
    Optional<byte[]> bytes = cache.get(key);
    if (bytes.isEmpty()) {
      return Optional.empty();
    }
    try {
      return Optional.of(serde.decode(bytes.get()));
    } catch (UndecodableRecordException e) {
      log.warn(
          "request {}: ignoring undecodable cache entry {}: {}",
          ProducerText.escape(requestId),
          key.redisKey(),
          ProducerText.escape(e.getMessage()));
      return Optional.empty();
    }
  }

  /**
   * Caches a paid answer. A cache that fails to store it must not fail the job: the provider has
   * answered and been paid, and failing would release the job for redelivery and pay for the same
   * answer again.
   */
  public void store(CacheKey key, CompletionResult result, Duration ttl) {
    try {
      cache.put(key, serde.encode(result), ttl);
    } catch (RuntimeException e) {
      log.warn(
          "request {}: could not cache the answer in {}; returning it uncached: {}",
          ProducerText.escape(result.getId()),
          cache.describe(),
          e.toString());
    }
  }
}
