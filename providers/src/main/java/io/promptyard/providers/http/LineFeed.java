package io.promptyard.providers.http;

import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Flow;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Hands the lines of a streamed response body from the HTTP client's threads to the calling thread,
 * one at a time (so a slow consumer slows the connection instead of filling memory), with a
 * deadline per wait.
 */
public final class LineFeed implements Flow.Subscriber<String> {

  private static final Object END = new Object();

  private record Broken(Throwable cause) {}

  private final BlockingQueue<Object> items = new LinkedBlockingQueue<>();
  private volatile Flow.Subscription subscription;

  @Override
  public void onSubscribe(Flow.Subscription s) {
    subscription = s;
    s.request(1);
  }

  @Override
  public void onNext(String line) {
    items.add(line);
  }

  @Override
  public void onError(Throwable t) {
    items.add(new Broken(t));
  }

  @Override
  public void onComplete() {
    items.add(END);
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
    subscription.request(1);
    return (String) item;
  }

  /** Stops the body: we are not going to read more of it. */
  public void cancel() {
    Flow.Subscription s = subscription;
    if (s != null) {
      s.cancel();
    }
  }
}
