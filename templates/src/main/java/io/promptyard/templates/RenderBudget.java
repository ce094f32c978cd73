package io.promptyard.templates;

import io.pebbletemplates.pebble.error.PebbleException;
import java.time.Duration;

/**
 * How long the template being rendered on this thread may still take. Pebble renders synchronously
 * on the caller's thread and has no time limit of its own, so every loop iteration and every filter
 * that parses a variable asks {@link #check} and ends the rendering with a {@link PebbleException}
 * once the time is up.
 */
final class RenderBudget {

  private static final ThreadLocal<Long> DEADLINE = new ThreadLocal<>();

  private RenderBudget() {}

  /** Runs {@code rendering} with {@code timeout} to spend, on this thread. */
  static <T, E extends Exception> T within(Duration timeout, Rendering<T, E> rendering) throws E {
    Long outer = DEADLINE.get();
    DEADLINE.set(System.nanoTime() + timeout.toNanos());
    try {
      return rendering.run();
    } finally {
      if (outer == null) {
        DEADLINE.remove();
      } else {
        DEADLINE.set(outer);
      }
    }
  }

  /** Throws when the rendering on this thread is out of time; does nothing outside a rendering. */
  static void check(int line) {
    Long deadline = DEADLINE.get();
    if (deadline != null && System.nanoTime() - deadline > 0) {
      throw new PebbleException(null, OUT_OF_TIME, line, null);
    }
  }

  static final String OUT_OF_TIME = "rendering took longer than its time limit";

  /** A piece of rendering work. */
  @FunctionalInterface
  interface Rendering<T, E extends Exception> {
    T run() throws E;
  }
}
