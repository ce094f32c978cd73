package io.promptyard.providers.bedrock;

import io.promptyard.providers.http.ResponseTooLargeException;
import java.nio.ByteBuffer;
import java.util.Optional;
import org.reactivestreams.Publisher;
import org.reactivestreams.Subscriber;
import org.reactivestreams.Subscription;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;

/**
 * Reads at most a given number of bytes of each Bedrock answer body, whole or event stream, as the
 * SDK receives them: past it the body is cancelled and the call fails with {@link
 * ResponseTooLargeException}. The AWS SDK has no such limit of its own and would collect any answer
 * in memory.
 */
final class BedrockCappedResponses implements ExecutionInterceptor {

  private final long maxBytes;

  BedrockCappedResponses(long maxBytes) {
    this.maxBytes = maxBytes;
  }

  @Override
  public Optional<Publisher<ByteBuffer>> modifyAsyncHttpResponseContent(
      Context.ModifyHttpResponse context, ExecutionAttributes executionAttributes) {
    return context
        .responsePublisher()
        .map(body -> subscriber -> body.subscribe(new Counting(subscriber, maxBytes)));
  }

  private static final class Counting implements Subscriber<ByteBuffer> {
    private final Subscriber<? super ByteBuffer> downstream;
    private final long maxBytes;
    private Subscription subscription;
    private long received;
    private boolean cut;

    Counting(Subscriber<? super ByteBuffer> downstream, long maxBytes) {
      this.downstream = downstream;
      this.maxBytes = maxBytes;
    }

    @Override
    public void onSubscribe(Subscription s) {
      subscription = s;
      downstream.onSubscribe(s);
    }

    @Override
    public void onNext(ByteBuffer buffer) {
      if (cut) {
        return;
      }
      received += buffer.remaining();
      if (received > maxBytes) {
        cut = true;
        subscription.cancel();
        downstream.onError(new ResponseTooLargeException(maxBytes));
        return;
      }
      downstream.onNext(buffer);
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
