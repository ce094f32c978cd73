package io.promptyard.schemas.topics;

import io.promptyard.schemas.config.ConfigException;
import io.promptyard.schemas.config.ConfigKey;
import io.promptyard.schemas.config.Settings;
import io.promptyard.schemas.ingress.ProducerText;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Which topics a request may name as its reply topic: only those under one prefix, and never one of
 * Promptyard's own ({@link Topics#isInternal}), even under that prefix. A copy of a result keyed by
 * the producer's request id must not land on a compacted template, budget or health topic, nor be
 * routed as a job. The router rejects a request that names another; the worker sends no copy there.
 *
 * @param topics Promptyard's own topics
 * @param prefix what every reply topic starts with
 */
public record ReplyTopics(Topics topics, String prefix) {

  public static final ConfigKey PREFIX =
      new ConfigKey(
          "PROMPTYARD_REPLY_TOPIC_PREFIX",
          null,
          "what every reply topic a request names must start with; <topic prefix>replies. when unset");

  private static final Pattern LEGAL = Pattern.compile("[a-zA-Z0-9._-]+");

  public ReplyTopics {
    Objects.requireNonNull(topics, "topics");
    Objects.requireNonNull(prefix, "prefix");
    if (!LEGAL.matcher(prefix).matches()) {
      throw new IllegalArgumentException(
          "reply topic prefix '"
              + ProducerText.escape(prefix)
              + "' must be non-empty and may only contain letters, digits, '.', '_' and '-'");
    }
  }

  /** Reply topics under {@code <topic prefix>replies.}: {@code promptyard.replies.} by default. */
  public static ReplyTopics defaults(Topics topics) {
    return new ReplyTopics(topics, topics.prefix() + "replies.");
  }

  /** The {@link #PREFIX} setting, or the {@linkplain #defaults default} under {@code topics}. */
  public static ReplyTopics from(Settings s, Topics topics) {
    Optional<String> prefix = s.get(PREFIX);
    if (prefix.isEmpty()) {
      return defaults(topics);
    }
    try {
      return new ReplyTopics(topics, prefix.get());
    } catch (IllegalArgumentException e) {
      throw new ConfigException(PREFIX.name() + ": " + e.getMessage());
    }
  }

  /**
   * Why a request may not have its result copied to {@code topic}, or empty when it may (a null or
   * blank topic asks for no copy). The reason names the topic, escaped, and the allowed prefix.
   */
  public Optional<String> refusal(String topic) {
    if (topic == null || topic.isBlank()) {
      return Optional.empty();
    }
    if (topics.isInternal(topic)) {
      return Optional.of(
          "reply topic '"
              + ProducerText.escape(topic)
              + "' is one of Promptyard's own topics; a reply topic must start with '"
              + prefix
              + "' ("
              + PREFIX.name()
              + ") and not be a Promptyard topic");
    }
    if (!topic.startsWith(prefix)) {
      return Optional.of(
          "reply topic '"
              + ProducerText.escape(topic)
              + "' is not allowed: a reply topic must start with '"
              + prefix
              + "' ("
              + PREFIX.name()
              + ")");
    }
    return Optional.empty();
  }
}
