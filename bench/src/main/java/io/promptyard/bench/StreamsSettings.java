package io.promptyard.bench;

import java.time.Duration;

/**
 * How a benchmark's Kafka Streams application runs: {@code -Dpromptyard.bench.threads} stream
 * threads (1) and a commit every {@code -Dpromptyard.bench.commit-ms} milliseconds.
 */
record StreamsSettings(int threads, int commitMs) {

  /** The settings the system properties give, committing every {@code commitMs} ms by default. */
  static StreamsSettings read(int commitMs) {
    return new StreamsSettings(
        Integer.getInteger("promptyard.bench.threads", 1),
        Integer.getInteger("promptyard.bench.commit-ms", commitMs));
  }

  Duration commitInterval() {
    return Duration.ofMillis(commitMs);
  }
}
