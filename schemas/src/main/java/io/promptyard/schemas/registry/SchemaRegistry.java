package io.promptyard.schemas.registry;

import org.apache.avro.Schema;

/**
 * The two calls the Schema Registry wire format needs from a Confluent-compatible schema registry:
 * register a writer's schema under a subject, and look a schema up by the id a record carries.
 */
public interface SchemaRegistry {

  /**
   * Registers {@code schema} under {@code subject} (or finds it already there) and returns its id.
   *
   * @throws SchemaRegistryException when the registry refuses it or cannot be reached
   */
  int register(String subject, Schema schema);

  /**
   * The schema registered with {@code id}.
   *
   * @throws SchemaRegistryException when the registry has no such id or cannot be reached
   */
  Schema schema(int id);

  /** Where the registry is, in words for an error message (its URL without credentials). */
  String describe();
}
