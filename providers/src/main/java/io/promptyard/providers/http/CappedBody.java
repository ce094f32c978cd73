package io.promptyard.providers.http;

import java.net.http.HttpResponse.BodyHandler;
import java.net.http.HttpResponse.BodySubscriber;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;

/**
 * A body handler that reads at most a given number of bytes: past it, the connection's body is
 * cancelled and the body fails with {@link ResponseTooLargeException}, so that an endless or
 * enormous answer never sits in memory. It counts the bytes as they arrive, streamed or not, before
 * anything is decoded.
 */
public final class CappedBody {

  private CappedBody() {}

  /** {@code handler}, reading at most {@code maxBytes} of the body. */
  public static <T> BodyHandler<T> of(BodyHandler<T> handler, long maxBytes) {
    return info -> new Subscriber<>(handler.apply(info), maxBytes);
  }

  private static final class Subscriber<T> implements BodySubscriber<T> {
    private final BodySubscriber<T> delegate;
    private final long maxBytes;
    private Flow.Subscription subscription;
    private long received;
    private boolean cut;

    Subscriber(BodySubscriber<T> delegate, long maxBytes) {
      this.delegate = delegate;
      this.maxBytes = maxBytes;
    }

    @Override
    public CompletionStage<T> getBody() {
      return delegate.getBody();
    }

    @Override
    public void onSubscribe(Flow.Subscription s) {
      subscription = s;
      delegate.onSubscribe(s);
    }

    @Override
    public void onNext(List<ByteBuffer> buffers) {
      if (cut) {
        return;
      }
      for (ByteBuffer b : buffers) {
        received += b.remaining();
      }
      if (received > maxBytes) {
        cut = true;
        subscription.cancel();
        delegate.onError(new ResponseTooLargeException(maxBytes));
        return;
      }
      delegate.onNext(buffers);
    }

    @Override
    public void onError(Throwable t) {
      if (!cut) {
        delegate.onError(t);
      }
    }

    @Override
    public void onComplete() {
      if (!cut) {
        delegate.onComplete();
      }
    }
  }
}
