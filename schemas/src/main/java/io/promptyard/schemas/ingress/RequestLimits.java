package io.promptyard.schemas.ingress;

import io.promptyard.schemas.config.ConfigException;
import io.promptyard.schemas.config.ConfigKey;
import io.promptyard.schemas.config.Settings;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * The most one request may carry, checked before anything is done with it: a request beyond one of
 * these gets a REJECTED result naming the limit and its configuration key. The JSON limits are
 * checked while the body is read, so a hostile body is refused before it fills memory; the others
 * apply to Avro and JSON requests alike.
 *
 * @param maxBodyBytes the largest JSON ingress body, in bytes
 * @param maxJsonDepth the deepest nesting of JSON arrays and objects in a body
 * @param maxMessages the most messages in one request
 * @param maxMessageChars the most characters of message text in one request
 * @param maxContentParts the most content parts (text and images) over all messages of one request
 * @param maxTools the most tool definitions in one request
 * @param maxTags the most tags in one request
 * @param maxIdLength the longest request id (also batch id, custom id and model name)
 * @param maxTeamLength the longest team name
 * @param maxTemplateChars the most characters one message rendered from a template may have
 * @param templateTimeout the longest a request's template may take to render
 * @param maxRecordBytes the largest record the router publishes (its producer's {@code
 *     max.request.size}): a routed request larger than this is dead-lettered, since under
 *     exactly-once a record the producer refuses would fail the transaction and stop the partition
 */
public record RequestLimits(
    int maxBodyBytes,
    int maxJsonDepth,
    int maxMessages,
    int maxMessageChars,
    int maxContentParts,
    int maxTools,
    int maxTags,
    int maxIdLength,
    int maxTeamLength,
    int maxTemplateChars,
    Duration templateTimeout,
    int maxRecordBytes) {

  public static final ConfigKey MAX_BODY_BYTES =
      new ConfigKey(
          "PROMPTYARD_ROUTER_MAX_BODY_BYTES",
          "1048576",
          "the largest JSON ingress body in bytes; a larger one is REJECTED unread");
  public static final ConfigKey MAX_JSON_DEPTH =
      new ConfigKey(
          "PROMPTYARD_ROUTER_MAX_JSON_DEPTH",
          "64",
          "the deepest nesting of JSON arrays and objects in a JSON ingress body");
  public static final ConfigKey MAX_MESSAGES =
      new ConfigKey("PROMPTYARD_ROUTER_MAX_MESSAGES", "10000", "the most messages in one request");
  public static final ConfigKey MAX_MESSAGE_CHARS =
      new ConfigKey(
          "PROMPTYARD_ROUTER_MAX_MESSAGE_CHARS",
          "8000000",
          "the most characters of message text in one request (after its template is rendered)");
  public static final ConfigKey MAX_CONTENT_PARTS =
      new ConfigKey(
          "PROMPTYARD_ROUTER_MAX_CONTENT_PARTS",
          "1000",
          "the most content parts (text and images) over all messages of one request");
  public static final ConfigKey MAX_TOOLS =
      new ConfigKey(
          "PROMPTYARD_ROUTER_MAX_TOOLS", "128", "the most tool definitions in one request");
  public static final ConfigKey MAX_TAGS =
      new ConfigKey("PROMPTYARD_ROUTER_MAX_TAGS", "64", "the most tags in one request");
  public static final ConfigKey MAX_ID_LENGTH =
      new ConfigKey(
          "PROMPTYARD_ROUTER_MAX_ID_LENGTH",
          "256",
          "the longest request id, batch id, custom id or model name, in characters");
  public static final ConfigKey MAX_TEAM_LENGTH =
      new ConfigKey(
          "PROMPTYARD_ROUTER_MAX_TEAM_LENGTH", "128", "the longest team name, in characters");

  public static final ConfigKey TEMPLATE_MAX_CHARS =
      new ConfigKey(
          "PROMPTYARD_ROUTER_TEMPLATE_MAX_CHARS",
          "2000000",
          "the most characters one message rendered from a template may have");
  public static final ConfigKey TEMPLATE_TIMEOUT_MS =
      new ConfigKey(
          "PROMPTYARD_ROUTER_TEMPLATE_TIMEOUT_MS",
          "500",
          "the longest a request's template may take to render, in milliseconds");

  public static final ConfigKey MAX_RECORD_BYTES =
      new ConfigKey(
          "PROMPTYARD_ROUTER_MAX_RECORD_BYTES",
          "1048576",
          "the largest record the router publishes (its producer's max.request.size); a larger routed request is dead-lettered");

  /** The keys above, in the order docs/CONFIGURATION.md lists them. */
  public static final List<ConfigKey> KEYS =
      List.of(
          MAX_BODY_BYTES,
          MAX_JSON_DEPTH,
          MAX_MESSAGES,
          MAX_MESSAGE_CHARS,
          MAX_CONTENT_PARTS,
          MAX_TOOLS,
          MAX_TAGS,
          MAX_ID_LENGTH,
          MAX_TEAM_LENGTH,
          TEMPLATE_MAX_CHARS,
          TEMPLATE_TIMEOUT_MS,
          MAX_RECORD_BYTES);

  private static final RequestLimits DEFAULTS = from(new Settings(Map.of()));

  public RequestLimits {
    positive(maxBodyBytes, MAX_BODY_BYTES);
    positive(maxJsonDepth, MAX_JSON_DEPTH);
    positive(maxMessages, MAX_MESSAGES);
    positive(maxMessageChars, MAX_MESSAGE_CHARS);
    positive(maxContentParts, MAX_CONTENT_PARTS);
    positive(maxTools, MAX_TOOLS);
    positive(maxTags, MAX_TAGS);
    positive(maxIdLength, MAX_ID_LENGTH);
    positive(maxTeamLength, MAX_TEAM_LENGTH);
    positive(maxTemplateChars, TEMPLATE_MAX_CHARS);
    if (templateTimeout.isNegative() || templateTimeout.isZero()) {
      throw ConfigException.atLeast(TEMPLATE_TIMEOUT_MS, templateTimeout.toMillis(), 1);
    }
    positive(maxRecordBytes, MAX_RECORD_BYTES);
  }

  /**
   * The defaults of the keys above: far beyond any sane chat request, far below what exhausts a
   * router.
   */
  public static RequestLimits defaults() {
    return DEFAULTS;
  }

  /** The limits from configuration, each key's default where it is unset. */
  public static RequestLimits from(Settings s) {
    return new RequestLimits(
        s.intValue(MAX_BODY_BYTES, 1),
        s.intValue(MAX_JSON_DEPTH, 1),
        s.intValue(MAX_MESSAGES, 1),
        s.intValue(MAX_MESSAGE_CHARS, 1),
        s.intValue(MAX_CONTENT_PARTS, 1),
        s.intValue(MAX_TOOLS, 1),
        s.intValue(MAX_TAGS, 1),
        s.intValue(MAX_ID_LENGTH, 1),
        s.intValue(MAX_TEAM_LENGTH, 1),
        s.intValue(TEMPLATE_MAX_CHARS, 1),
        Duration.ofMillis(s.intValue(TEMPLATE_TIMEOUT_MS, 1)),
        s.intValue(MAX_RECORD_BYTES, 1));
  }

  private static void positive(int value, ConfigKey key) {
    if (value < 1) {
      throw ConfigException.atLeast(key, value, 1);
    }
  }
}
