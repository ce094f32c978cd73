package io.promptyard.schemas.serde;

/** Thrown when bytes on a topic cannot be read as the record that topic carries. */
public final class UndecodableRecordException extends RuntimeException {
  public UndecodableRecordException(String message) {
    super(message);
  }

  public UndecodableRecordException(String message, Throwable cause) {
    super(message, cause);
  }
}
