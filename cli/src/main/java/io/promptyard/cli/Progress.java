package io.promptyard.cli;

import java.io.PrintWriter;

/**
 * A one-line progress bar on a terminal stream, redrawn in place; prints plain lines when not a
 * terminal.
 */
public final class Progress {
  private final PrintWriter out;
  private final String label;
  private final int total;
  private final boolean terminal;
  private final long started = System.nanoTime();
  private int lastShown = -1;

  public Progress(PrintWriter out, String label, int total) {
    this.out = out;
    this.label = label;
    this.total = Math.max(total, 1);
    this.terminal = System.console() != null;
  }

  public synchronized void update(int done) {
    int percent = (int) (100L * done / total);
    if (percent == lastShown && done != total) {
      return;
    }
    if (!terminal && percent / 10 == lastShown / 10 && done != total) {
      return;
    }
    lastShown = percent;
    int width = 30;
    int filled = width * percent / 100;
    double seconds = (System.nanoTime() - started) / 1e9;
    String line =
        String.format(
            "%s [%s%s] %d/%d (%d%%) %.1fs",
            label, "#".repeat(filled), ".".repeat(width - filled), done, total, percent, seconds);
    if (terminal) {
      out.print("\r" + line + (done >= total ? "\n" : ""));
    } else {
      out.println(line);
    }
    out.flush();
  }
}
