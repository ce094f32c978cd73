package io.promptyard.cli.dlq;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.promptyard.schemas.CompletionRequest;
import io.promptyard.schemas.DeadLetter;
import io.promptyard.schemas.RecordHeader;
import io.promptyard.schemas.RoutedRequest;
import io.promptyard.schemas.serde.AvroSerde;
import io.promptyard.schemas.serde.UndecodableRecordException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * A dead letter as {@code dlq show} prints it: the error, the attempts, and the original record's
 * origin, key, headers and value, decoded when it is a Promptyard record or JSON.
 */
final class DeadLetterJson {

  private static final ObjectMapper JSON = new ObjectMapper();

  private DeadLetterJson() {}

  /** The letter as indented JSON. */
  static String pretty(LetterOnTopic l) throws Exception {
    return JSON.writerWithDefaultPrettyPrinter().writeValueAsString(of(l));
  }

  private static ObjectNode of(LetterOnTopic l) throws Exception {
    DeadLetter d = l.letter();
    ObjectNode o = JSON.createObjectNode();
    o.put("position", l.position());
    o.put("request_id", l.requestId());
    o.put("team", d.getTeam());
    o.put("error_code", d.getErrorCode().name());
    o.put("error_message", d.getErrorMessage());
    o.put("provider", d.getProvider());
    o.put("attempts", d.getAttempts());
    o.put(
        "first_attempt_at",
        d.getFirstAttemptAt() == null ? null : d.getFirstAttemptAt().toString());
    o.put("last_attempt_at", d.getLastAttemptAt() == null ? null : d.getLastAttemptAt().toString());
    o.put("dead_lettered_at", d.getDeadLetteredAt().toString());
    ObjectNode origin = o.putObject("origin");
    origin.put("topic", d.getOriginTopic());
    origin.put("partition", d.getOriginPartition());
    origin.put("offset", d.getOriginOffset());
    origin.put("key", d.getKey() == null ? null : text(d.getKey()));
    ObjectNode headers = origin.putObject("headers");
    for (RecordHeader h : d.getHeaders()) {
      headers.put(h.getKey(), h.getValue() == null ? null : text(h.getValue()));
    }
    if (d.getValue() != null) {
      byte[] value = ReplayPlan.bytes(d.getValue());
      try {
        origin.set(
            "value", JSON.readTree(AvroSerde.of(RoutedRequest.class).decode(value).toString()));
        origin.put("value_type", "RoutedRequest");
      } catch (UndecodableRecordException notRouted) {
        try {
          origin.set(
              "value",
              JSON.readTree(AvroSerde.of(CompletionRequest.class).decode(value).toString()));
          origin.put("value_type", "CompletionRequest");
        } catch (UndecodableRecordException notRequest) {
          String text = text(d.getValue());
          try {
            origin.set("value", JSON.readTree(text));
            origin.put("value_type", "JSON");
          } catch (Exception notJson) {
            origin.put("value", text);
            origin.put("value_type", text.startsWith("base64:") ? "bytes" : "text");
          }
        }
      }
    }
    return o;
  }

  /** UTF-8 text when the bytes are text, else {@code base64:…}. */
  private static String text(ByteBuffer buffer) {
    byte[] b = ReplayPlan.bytes(buffer);
    try {
      return StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(b)).toString();
    } catch (CharacterCodingException e) {
      return "base64:" + Base64.getEncoder().encodeToString(b);
    }
  }
}
