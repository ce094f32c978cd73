package io.promptyard.providers;

import java.time.Duration;
import java.util.Objects;

/**
 * How long an HTTP provider adapter waits: to connect, for the response headers (first byte), and
 * for the whole call including the streamed body.
 *
 * @param connect TCP (and TLS) connection establishment
 * @param firstByte from sending the request until the response headers arrive
 * @param total from the start of the call until the last byte of the body
 */
public record HttpTimeouts(Duration connect, Duration firstByte, Duration total) {

  /** 10 s to connect, 60 s to the first byte, 300 s in all. */
  public static final HttpTimeouts DEFAULTS =
      new HttpTimeouts(Duration.ofSeconds(10), Duration.ofSeconds(60), Duration.ofSeconds(300));

  public HttpTimeouts {
    requirePositive(connect, "connect");
    requirePositive(firstByte, "firstByte");
    requirePositive(total, "total");
  }

  private static void requirePositive(Duration d, String name) {
    Objects.requireNonNull(d, name);
    if (d.isNegative() || d.isZero()) {
      throw new IllegalArgumentException(name + " timeout must be positive, was " + d);
    }
  }
}
