package io.promptyard.router.validation;

import io.promptyard.schemas.CompletionRequest;
import io.promptyard.schemas.Message;
import io.promptyard.schemas.Parameters;
import java.util.Optional;

/**
 * Checks what every request must satisfy before routing, whatever model it asks for: the reasons are
 * precise enough for the producer to fix the request.
 *
 * @param maxMessages the most messages one request may carry
 * @param maxPayloadChars the most characters of message text one request may carry
 */
public record RequestValidator(int maxMessages, long maxPayloadChars) {

  /** Limits that no sane chat request reaches. */
  public static RequestValidator defaults() {
    return new RequestValidator(10_000, 8_000_000);
  }

  /** The reason the request is invalid, or empty when it may be routed. */
  public Optional<String> problem(CompletionRequest request) {
    if (request.getId() == null || request.getId().isBlank()) {
      return Optional.of("id is required (it is the idempotency key)");
    }
    if (request.getTeam() == null || request.getTeam().isBlank()) {
      return Optional.of("team is required (set metadata.team on JSON requests)");
    }
    if (request.getModel() == null || request.getModel().isBlank()) {
      return Optional.of("model is required (a provider/model, a model name, or an alias such as cheap, fast, smart)");
    }
    if (request.getMessages().isEmpty() && request.getTemplate() == null) {
      return Optional.of("messages must contain at least one message");
    }
    if (request.getMessages().size() > maxMessages) {
      return Optional.of("messages has " + request.getMessages().size() + " entries; the limit is " + maxMessages);
    }
    long chars = 0;
    for (int i = 0; i < request.getMessages().size(); i++) {
      Message m = request.getMessages().get(i);
      boolean hasContent = m.getText() != null || !m.getParts().isEmpty() || !m.getToolCalls().isEmpty();
      if (!hasContent) {
        return Optional.of("messages[" + i + "] has no content");
      }
      chars += m.getText() == null ? 0 : m.getText().length();
    }
    if (chars > maxPayloadChars) {
      return Optional.of("messages carry " + chars + " characters; the limit is " + maxPayloadChars);
    }
    return parameterProblem(request.getParameters());
  }

  private static Optional<String> parameterProblem(Parameters p) {
    if (p == null) {
      return Optional.empty();
    }
    if (p.getTemperature() != null && (p.getTemperature() < 0 || p.getTemperature() > 2)) {
      return Optional.of("temperature " + p.getTemperature() + " is outside 0..2");
    }
    if (p.getTopP() != null && (p.getTopP() <= 0 || p.getTopP() > 1)) {
      return Optional.of("top_p " + p.getTopP() + " is outside (0, 1]");
    }
    if (p.getMaxTokens() != null && p.getMaxTokens() < 1) {
      return Optional.of("max_tokens " + p.getMaxTokens() + " must be at least 1");
    }
    if (p.getStop().size() > 4) {
      return Optional.of("stop has " + p.getStop().size() + " sequences; the limit is 4");
    }
    return Optional.empty();
  }
}
