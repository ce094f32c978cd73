package io.promptyard.schemas.kafka;

import io.promptyard.schemas.PromptTemplate;

/**
 * The Kafka deserializer of {@link PromptTemplate} records, to name in a client's {@code
 * value.deserializer}.
 */
public final class PromptTemplateDeserializer extends PromptyardDeserializer<PromptTemplate> {
  public PromptTemplateDeserializer() {
    super(PromptTemplate.class);
  }
}
