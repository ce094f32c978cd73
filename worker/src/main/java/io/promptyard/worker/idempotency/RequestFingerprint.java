package io.promptyard.worker.idempotency;

import io.promptyard.schemas.CompletionRequest;
import io.promptyard.worker.cache.CacheKey;

/**
 * What makes two requests under one id the same request, for the ledger: the model asked for, the
 * messages and the parameters — what decides the answer. The same request sent again (a producer's
 * retry, a redelivery, a replay) has the same fingerprint whatever its bookkeeping (submission
 * time, deadline, batch, tags); a different request that reuses an id already answered has another,
 * and is rejected rather than dropped.
 */
public final class RequestFingerprint {

  /** Hex digits kept of the SHA-256: 64 bits tell two requests with one id apart. */
  private static final int LENGTH = 16;

  private RequestFingerprint() {}

  /** The fingerprint of {@code request}: 16 hex digits. */
  public static String of(CompletionRequest request) {
    return CacheKey.digest(request.getModel(), request).substring(0, LENGTH);
  }
}
