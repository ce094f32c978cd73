package io.promptyard.templates;

/**
 * A template could not be found, read or rendered; the message says which template, where, and why.
 */
public final class TemplateException extends Exception {

  public TemplateException(String message) {
    super(message);
  }

  public TemplateException(String message, Throwable cause) {
    super(message, cause);
  }
}
