package io.promptyard.providers.bedrock;

import io.promptyard.providers.http.CappedBody;
import io.promptyard.providers.http.ResponseTooLargeException;
import java.nio.ByteBuffer;
import java.util.Optional;
import org.reactivestreams.FlowAdapters;
import org.reactivestreams.Publisher;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;

/**
 * Reads at most a given number of bytes of each Bedrock answer body, whole or event stream, as the
 * SDK receives them ({@link CappedBody#capping}): past it the body is cancelled and the call fails
 * with {@link ResponseTooLargeException}. The AWS SDK has no such limit of its own and would
 * collect any answer in memory.
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
        .map(
            body ->
                subscriber ->
                    body.subscribe(
                        FlowAdapters.toSubscriber(
                            CappedBody.capping(
                                FlowAdapters.toFlowSubscriber(subscriber),
                                maxBytes,
                                ByteBuffer::remaining))));
  }
}
