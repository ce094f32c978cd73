package io.promptyard.testkit.provider;

import java.util.HexFormat;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Hands out request and completion ids, unique per call and reproducible from the seed and the call
 * order.
 */
final class RequestIds {

  /** The ids of one HTTP exchange. */
  record Ids(String requestId, String completionId) {}

  private final long seed;
  private final AtomicLong sequence = new AtomicLong();

  RequestIds(long seed) {
    this.seed = seed;
  }

  Ids next() {
    long n = sequence.incrementAndGet();
    long a = mix(seed + n * 0x9E3779B97F4A7C15L);
    long b = mix(a);
    long c = mix(b);
    long d = mix(c);
    HexFormat hex = HexFormat.of();
    return new Ids(
        "req_" + hex.toHexDigits(a) + hex.toHexDigits(b),
        "chatcmpl-" + hex.toHexDigits(c) + hex.toHexDigits((int) d));
  }

  static String systemFingerprint(String model) {
    return "fp_" + HexFormat.of().toHexDigits(mix(model.hashCode())).substring(0, 10);
  }

  /** The finaliser of SplitMix64: a cheap bijection that scatters neighbouring inputs. */
  private static long mix(long z) {
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }
}
