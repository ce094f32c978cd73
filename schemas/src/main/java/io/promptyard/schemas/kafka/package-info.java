/**
 * Kafka serializers and deserializers for every record on Promptyard's topics, to name by class in
 * any Kafka client's or Spring Kafka's properties ({@code
 * value.deserializer=io.promptyard.schemas.kafka.CompletionResultDeserializer}).
 */
package io.promptyard.schemas.kafka;
