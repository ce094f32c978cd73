package io.promptyard.schemas.kafka;

import io.promptyard.schemas.RoutedRequest;

/**
 * The Kafka serializer of {@link RoutedRequest} records, to name in a client's {@code
 * value.serializer}.
 */
public final class RoutedRequestSerializer extends PromptyardSerializer<RoutedRequest> {
  public RoutedRequestSerializer() {
    super(RoutedRequest.class);
  }
}
