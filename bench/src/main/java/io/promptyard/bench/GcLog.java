package io.promptyard.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What a child JVM's {@code -Xlog:gc} file says about its heap: the most heap in use when a
 * collection started (the peak between collections, so the peak of the run to within one young
 * generation), the most heap committed, and the number and total length of the stop-the-world
 * pauses.
 *
 * @param heapPeakMb heap in use before the fullest collection, in MB
 * @param heapCommittedMb the largest committed heap any collection reported, in MB
 * @param pauses stop-the-world pauses (young, mixed, full, remark, cleanup)
 * @param pauseMillis their total length
 */
record GcLog(long heapPeakMb, long heapCommittedMb, int pauses, double pauseMillis) {

  /** {@code ... Pause Young (Normal) (G1 Evacuation Pause) 120M->30M(256M) 3.456ms}. */
  private static final Pattern PAUSE =
      Pattern.compile("Pause .*?(\\d+)([KMG])->\\d+[KMG]\\((\\d+)([KMG])\\) ([0-9.]+)ms\\s*$");

  /** Reads the log at {@code file}; no collections (all zero) when it does not exist. */
  static GcLog read(Path file) throws IOException {
    return Files.exists(file) ? parse(Files.readString(file)) : parse("");
  }

  /** Parses the text of a {@code -Xlog:gc} log (the default {@code gc} tag at level info). */
  static GcLog parse(String text) {
    long peak = 0;
    long committed = 0;
    int pauses = 0;
    double millis = 0;
    for (String line : text.lines().toList()) {
      Matcher m = PAUSE.matcher(line);
      if (m.find()) {
        peak = Math.max(peak, megabytes(m.group(1), m.group(2)));
        committed = Math.max(committed, megabytes(m.group(3), m.group(4)));
        pauses++;
        millis += Double.parseDouble(m.group(5));
      }
    }
    return new GcLog(peak, committed, pauses, millis);
  }

  private static long megabytes(String amount, String unit) {
    long n = Long.parseLong(amount);
    return switch (unit) {
      case "K" -> n / 1024;
      case "G" -> n * 1024;
      default -> n;
    };
  }
}
