package io.promptyard.schemas.registry;

/**
 * A schema registry refused a call, has no schema with the id asked for, or could not be reached;
 * the message says which, with the subject or id and the registry's URL.
 */
public final class SchemaRegistryException extends RuntimeException {
  public SchemaRegistryException(String message) {
    super(message);
  }

  public SchemaRegistryException(String message, Throwable cause) {
    super(message, cause);
  }
}
