package io.promptyard.providers.http;

import java.util.concurrent.Flow;
import java.util.function.ToLongFunction;

/**
 * A body subscriber that reads at most a given number of bytes: past it, the connection's body is
 * cancelled and the body fails with {@link ResponseTooLargeException}, so that an endless or
 * enormous answer never sits in memory. It counts the bytes as they arrive, streamed or not, before
 * anything is decoded. (The JSON-over-HTTP adapters' {@link Exchange} counts its own.)
 */
public final class CappedBody {

  private CappedBody() {}

  /**
   * {@code downstream}, handed at most {@code maxBytes} of a body whose items {@code size} measures
   * in bytes (for the AWS SDK's HTTP client).
   */
  public static <T> Flow.Subscriber<T> capping(
      Flow.Subscriber<? super T> downstream, long maxBytes, ToLongFunction<? super T> size) {
    return new Capped<>(downstream, maxBytes, size);
  }

  private static final class Capped<T> implements Flow.Subscriber<T> {
    private final Flow.Subscriber<? super T> downstream;
    private final long maxBytes;
    private final ToLongFunction<? super T> size;
    private Flow.Subscription subscription;
    private long received;
    private boolean cut;

    Capped(Flow.Subscriber<? super T> downstream, long maxBytes, ToLongFunction<? super T> size) {
      this.downstream = downstream;
      this.maxBytes = maxBytes;
      this.size = size;
    }

    @Override
    public void onSubscribe(Flow.Subscription s) {
      subscription = s;
      downstream.onSubscribe(s);
    }

    @Override
    public void onNext(T item) {
      if (cut) {
        return;
      }
      received += size.applyAsLong(item);
      if (received > maxBytes) {
        cut = true;
        subscription.cancel();
        downstream.onError(new ResponseTooLargeException(maxBytes));
        return;
      }
      downstream.onNext(item);
    }

    @Override
    public void onError(Throwable t) {
      if (!cut) {
        downstream.onError(t);
      }
    }

    @Override
    public void onComplete() {
      if (!cut) {
        downstream.onComplete();
      }
    }
  }
}
