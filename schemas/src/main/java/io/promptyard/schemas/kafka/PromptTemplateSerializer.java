package io.promptyard.schemas.kafka;

import io.promptyard.schemas.PromptTemplate;

/**
 * The Kafka serializer of {@link PromptTemplate} records, to name in a client's {@code
 * value.serializer}.
 */
public final class PromptTemplateSerializer extends PromptyardSerializer<PromptTemplate> {
  public PromptTemplateSerializer() {
    super(PromptTemplate.class);
  }
}
