package io.promptyard.providers.http;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Hands the lines of a streamed response body from the HTTP client's threads to the calling thread,
 * one at a time, with a deadline per wait. The client is asked for the next piece of the body only
 * when the lines of the last one have been taken, so a slow consumer slows the connection instead
 * of filling memory. Lines end at LF, CR or CRLF, as in server-sent events.
 */
public final class LineFeed {

  private static final Object END = new Object();

  private record Broken(Throwable cause) {}

  private final BlockingQueue<Object> items = new LinkedBlockingQueue<>();
  // Set by the client's thread, run once by whichever side sees the queue empty after it is set.
  private final AtomicReference<Runnable> demand = new AtomicReference<>();
  // Only the client's thread touches these: it delivers one piece of the body at a time.
  private final ByteArrayOutputStream line = new ByteArrayOutputStream();
  private boolean afterCr;

  /** One piece of the body, read before this returns; {@code more} asks the client for the next. */
  void accept(ByteBuffer bytes, Runnable more) {
    while (bytes.hasRemaining()) {
      byte b = bytes.get();
      if (b == '\n' && afterCr) {
        afterCr = false;
      } else if (b == '\n' || b == '\r') {
        afterCr = b == '\r';
        items.add(line.toString(StandardCharsets.UTF_8));
        line.reset();
      } else {
        afterCr = false;
        line.write(b);
      }
    }
    demand.set(more);
    if (items.isEmpty()) {
      askForMore();
    }
  }

  /** The body ended; a last line without a line break is still a line. */
  void end() {
    if (line.size() > 0) {
      items.add(line.toString(StandardCharsets.UTF_8));
    }
    items.add(END);
  }

  /** The body broke off. */
  void fail(Throwable cause) {
    items.add(new Broken(cause));
  }

  /**
   * The next line, or null at the end of the body.
   *
   * @param deadlineNanos a {@link System#nanoTime()} value after which waiting is a timeout
   * @param overdue what to report when the deadline passes
   */
  public String next(long deadlineNanos, String overdue) throws FailedCall {
    Object item;
    try {
      item = items.poll(deadlineNanos - System.nanoTime(), TimeUnit.NANOSECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new FailedCall(new Failure.Interrupted());
    }
    if (item == null) {
      throw new FailedCall(new Failure.TimedOut(overdue, null));
    }
    if (item == END) {
      return null;
    }
    if (item instanceof Broken b) {
      throw new FailedCall(Exchange.transportFailure(b.cause()));
    }
    if (items.isEmpty()) {
      askForMore();
    }
    return (String) item;
  }

  private void askForMore() {
    Runnable more = demand.getAndSet(null);
    if (more != null) {
      more.run();
    }
  }
}
