package io.promptyard.client;

import java.util.List;

/**
 * The model's answer did not match the JSON Schema of the requested type, even after one repair
 * attempt. Carries the last raw answer and what was wrong with it.
 */
public final class StructuredOutputException extends RuntimeException {

  private final String requestId;
  private final String rawText;
  private final List<String> errors;

  public StructuredOutputException(
      String requestId, Class<?> type, String rawText, List<String> errors) {
    super(
        "request "
            + requestId
            + ": the answer does not match the JSON Schema of "
            + type.getSimpleName()
            + " after one repair attempt: "
            + String.join("; ", errors)
            + " (answer: "
            + (rawText == null
                ? "none"
                : rawText.length() > 300 ? rawText.substring(0, 300) + "…" : rawText)
            + ")");
    this.requestId = requestId;
    this.rawText = rawText;
    this.errors = List.copyOf(errors);
  }

  /** The id of the last request sent (the repair request). */
  public String requestId() {
    return requestId;
  }

  /** The model's last answer, as it came. */
  public String rawText() {
    return rawText;
  }

  /**
   * Why the answer does not fit: JSON syntax, schema violations ({@code $.age: string found,
   * integer expected}), binding.
   */
  public List<String> errors() {
    return errors;
  }
}
