package io.promptyard.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.OptionalLong;

/**
 * Memory figures of a Linux process from {@code /proc/<pid>/status}: its peak resident set ({@code
 * VmHWM}), which the kernel keeps for the process's whole life, so one reading before the process
 * ends is its peak.
 */
final class ProcStatus {

  private ProcStatus() {}

  /** Peak resident set of process {@code pid} in kB; empty where there is no {@code /proc}. */
  static OptionalLong peakRssKb(long pid) {
    try {
      return kilobytes(Files.readString(Path.of("/proc", Long.toString(pid), "status")), "VmHWM");
    } catch (IOException | RuntimeException e) {
      return OptionalLong.empty();
    }
  }

  /**
   * The value in kB of a {@code Field: 1234 kB} line of a {@code /proc/<pid>/status} text; empty
   * when the field is missing.
   */
  static OptionalLong kilobytes(String statusText, String field) {
    String prefix = field + ":";
    return statusText
        .lines()
        .filter(line -> line.startsWith(prefix))
        .mapToLong(line -> Long.parseLong(line.substring(prefix.length()).trim().split("\\s+")[0]))
        .findFirst();
  }
}
