package io.promptyard.bench;

import java.lang.management.ManagementFactory;

/** How benchmarks state their figures on the JSON line. */
final class Figures {

  private Figures() {}

  /** {@code value} to {@code decimals} places: the precision a figure is compared at. */
  static double round(double value, int decimals) {
    double scale = Math.pow(10, decimals);
    return Math.round(value * scale) / scale;
  }

  /** The machine's load average over the last minute: how much else was running. */
  static double loadAverage() {
    return ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
  }
}
