package io.promptyard.testkit.provider;

/**
 * Formats a duration the way OpenAI's {@code x-ratelimit-reset-*} headers do, which is Go's {@code
 * time.Duration} notation: {@code 20ms}, {@code 1s}, {@code 1.5s}, {@code 6m0s}, {@code 1h0m0s}.
 */
final class OpenAiDuration {

  private OpenAiDuration() {}

  static String format(long millis) {
    if (millis <= 0) {
      return "0s";
    }
    if (millis < 1000) {
      return millis + "ms";
    }
    long hours = millis / 3_600_000;
    long minutes = millis / 60_000 % 60;
    long seconds = millis / 1000 % 60;
    long fraction = millis % 1000;
    StringBuilder text = new StringBuilder();
    if (hours > 0) {
      text.append(hours).append('h');
    }
    if (hours > 0 || minutes > 0) {
      text.append(minutes).append('m');
    }
    text.append(seconds);
    if (fraction > 0) {
      text.append('.').append(String.format("%03d", fraction).replaceAll("0+$", ""));
    }
    return text.append('s').toString();
  }
}
