package io.promptyard.catalog;

/**
 * The model catalog file is missing, malformed or inconsistent; the message names the file and the
 * entry.
 */
public final class CatalogException extends RuntimeException {
  public CatalogException(String message) {
    super(message);
  }

  public CatalogException(String message, Throwable cause) {
    super(message, cause);
  }
}
