package io.promptyard.router.validation;

import io.promptyard.schemas.CacheMode;
import io.promptyard.schemas.CachePolicy;
import io.promptyard.schemas.CompletionRequest;
import io.promptyard.schemas.Message;
import io.promptyard.schemas.Parameters;
import io.promptyard.schemas.config.ConfigKey;
import io.promptyard.schemas.ingress.RequestLimits;
import java.util.Locale;
import java.util.Optional;

/**
 * Checks what every request must satisfy before routing, whatever model it asks for: the reasons
 * are precise enough for the producer to fix the request, and name the configuration key of a limit
 * it went beyond.
 *
 * @param limits the most one request may carry
 */
public record RequestValidator(RequestLimits limits) {

  /** The default {@link RequestLimits}: limits that no sane chat request reaches. */
  public static RequestValidator defaults() {
    return new RequestValidator(RequestLimits.defaults());
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
      return Optional.of(
          "model is required (a provider/model, a model name, or an alias such as cheap, fast, smart)");
    }
    Optional<String> tooLong =
        tooLong("id", request.getId(), limits.maxIdLength(), RequestLimits.MAX_ID_LENGTH)
            .or(
                () ->
                    tooLong(
                        "team",
                        request.getTeam(),
                        limits.maxTeamLength(),
                        RequestLimits.MAX_TEAM_LENGTH))
            .or(
                () ->
                    tooLong(
                        "model",
                        request.getModel(),
                        limits.maxIdLength(),
                        RequestLimits.MAX_ID_LENGTH))
            .or(
                () ->
                    tooLong(
                        "batch id",
                        request.getBatchId(),
                        limits.maxIdLength(),
                        RequestLimits.MAX_ID_LENGTH))
            .or(
                () ->
                    tooLong(
                        "custom id",
                        request.getCustomId(),
                        limits.maxIdLength(),
                        RequestLimits.MAX_ID_LENGTH))
            .or(
                () ->
                    tooMany(
                        "tags",
                        request.getTags().size(),
                        limits.maxTags(),
                        RequestLimits.MAX_TAGS));
    if (tooLong.isPresent()) {
      return tooLong;
    }
    if (request.getMessages().isEmpty() && request.getTemplate() == null) {
      return Optional.of("messages must contain at least one message");
    }
    if (request.getMessages().size() > limits.maxMessages()) {
      return tooMany(
          "messages",
          request.getMessages().size(),
          limits.maxMessages(),
          RequestLimits.MAX_MESSAGES);
    }
    long chars = 0;
    long parts = 0;
    for (int i = 0; i < request.getMessages().size(); i++) {
      Message m = request.getMessages().get(i);
      boolean hasContent =
          m.getText() != null || !m.getParts().isEmpty() || !m.getToolCalls().isEmpty();
      if (!hasContent) {
        return Optional.of("messages[" + i + "] has no content");
      }
      chars += m.getText() == null ? 0 : m.getText().length();
      parts += m.getParts().size();
    }
    if (chars > limits.maxMessageChars()) {
      return Optional.of(
          "messages carry "
              + chars
              + " characters; the limit is "
              + limits.maxMessageChars()
              + " ("
              + RequestLimits.MAX_MESSAGE_CHARS.name()
              + ")");
    }
    if (parts > limits.maxContentParts()) {
      return tooMany(
          "content parts", parts, limits.maxContentParts(), RequestLimits.MAX_CONTENT_PARTS);
    }
    return cacheProblem(request.getCache()).or(() -> parameterProblem(request.getParameters()));
  }

  /** The reason the cache policy is invalid: a semantic threshold outside (0, 1]. */
  private static Optional<String> cacheProblem(CachePolicy cache) {
    if (cache == null || cache.getMinSimilarity() == null) {
      return Optional.empty();
    }
    double min = cache.getMinSimilarity();
    // Written so that NaN is outside the range.
    if (!(min > 0 && min <= 1)) {
      return Optional.of("metadata.cache.min_similarity " + min + " is outside (0, 1]");
    }
    if (cache.getMode() != CacheMode.SEMANTIC) {
      return Optional.of(
          "metadata.cache.min_similarity applies only to metadata.cache.mode semantic, not "
              + cache.getMode().name().toLowerCase(Locale.ROOT).replace('_', '-'));
    }
    return Optional.empty();
  }

  /**
   * The reason the parameters are invalid, or empty when they are fine: {@link #problem} checks
   * them so, and {@code promptyard dlq replay --set} checks an operator's values with it.
   */
  public Optional<String> parameterProblem(Parameters p) {
    if (p == null) {
      return Optional.empty();
    }
    // Written so that NaN, which an Avro request can carry, is outside every range.
    if (p.getTemperature() != null && !(p.getTemperature() >= 0 && p.getTemperature() <= 2)) {
      return Optional.of("temperature " + p.getTemperature() + " is outside 0..2");
    }
    if (p.getTopP() != null && !(p.getTopP() > 0 && p.getTopP() <= 1)) {
      return Optional.of("top_p " + p.getTopP() + " is outside (0, 1]");
    }
    if (p.getMaxTokens() != null && p.getMaxTokens() < 1) {
      return Optional.of("max_tokens " + p.getMaxTokens() + " must be at least 1");
    }
    if (p.getStop().size() > 4) {
      return Optional.of("stop has " + p.getStop().size() + " sequences; the limit is 4");
    }
    return tooMany("tools", p.getTools().size(), limits.maxTools(), RequestLimits.MAX_TOOLS);
  }

  private static Optional<String> tooLong(String what, String value, int limit, ConfigKey key) {
    return value != null && value.length() > limit
        ? Optional.of(
            what
                + " has "
                + value.length()
                + " characters; the limit is "
                + limit
                + " ("
                + key.name()
                + ")")
        : Optional.empty();
  }

  private static Optional<String> tooMany(String what, long count, int limit, ConfigKey key) {
    return count > limit
        ? Optional.of(
            "the request has "
                + count
                + " "
                + what
                + "; the limit is "
                + limit
                + " ("
                + key.name()
                + ")")
        : Optional.empty();
  }
}
