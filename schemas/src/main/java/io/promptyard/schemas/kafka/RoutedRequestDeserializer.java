package io.promptyard.schemas.kafka;

import io.promptyard.schemas.RoutedRequest;

/**
 * The Kafka deserializer of {@link RoutedRequest} records, to name in a client's {@code
 * value.deserializer}.
 */
public final class RoutedRequestDeserializer extends PromptyardDeserializer<RoutedRequest> {
  public RoutedRequestDeserializer() {
    super(RoutedRequest.class);
  }
}
