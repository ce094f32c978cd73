package io.promptyard.client.batch;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.promptyard.schemas.ingress.InvalidRequestException;
import io.promptyard.schemas.ingress.JsonIngress;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Reads an OpenAI Batch input file (JSONL: {@code custom_id}, {@code method}, {@code url}, {@code
 * body}, plus Promptyard's optional {@code team} and {@code metadata}) into JSON ingress records.
 * The whole file is checked before anything is submitted; every problem is reported with its line
 * number.
 */
public final class BatchInput {

  static final ObjectMapper JSON = new ObjectMapper();

  /**
   * One JSON value per line: a second object on the same line is an error, not silently dropped.
   */
  private static final ObjectReader LINE =
      JSON.readerFor(JsonNode.class).with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

  private static final Set<String> URLS = Set.of("/v1/chat/completions", "/chat/completions");

  private BatchInput() {}

  /** One request of the batch, ready for the JSON ingress topic. */
  public record Line(int lineNumber, String requestId, String customId, ObjectNode ingressBody) {}

  /** The file had problems; nothing was submitted. */
  public static final class InvalidBatchException extends Exception {
    private final List<String> problems;

    InvalidBatchException(Path file, List<String> problems) {
      super(
          file
              + " has "
              + problems.size()
              + " invalid line(s); nothing was submitted:\n  "
              + String.join("\n  ", problems.subList(0, Math.min(20, problems.size())))
              + (problems.size() > 20 ? "\n  …" : ""));
      this.problems = List.copyOf(problems);
    }

    public List<String> problems() {
      return problems;
    }
  }

  /**
   * Reads and checks a batch file.
   *
   * @param batchId tags every request; request ids are {@code batchId:custom_id}
   * @param defaultTeam the team for lines that name none; may be null (such lines are rejected by
   *     the router)
   */
  public static List<Line> read(Path file, String batchId, String defaultTeam)
      throws IOException, InvalidBatchException {
    List<Line> lines = new ArrayList<>();
    List<String> problems = new ArrayList<>();
    Set<String> customIds = new HashSet<>();
    try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      String text;
      int number = 0;
      while ((text = in.readLine()) != null) {
        number++;
        if (number == 1 && text.startsWith("\uFEFF")) {
          text = text.substring(1); // a byte-order mark, as some Windows editors write
        }
        if (text.isBlank()) {
          continue;
        }
        JsonNode node;
        try {
          node = LINE.readValue(text);
        } catch (IOException e) {
          problems.add(
              "line "
                  + number
                  + ": not JSON ("
                  + e.getMessage().lines().findFirst().orElse("")
                  + ")");
          continue;
        }
        String problem = check(node, customIds);
        if (problem != null) {
          problems.add("line " + number + ": " + problem);
          continue;
        }
        Line line = toIngress(number, (ObjectNode) node, batchId, defaultTeam);
        try {
          // The router would reject these one by one after submission; catching them here keeps the
          // batch whole.
          JsonIngress.parse(line.ingressBody(), line.requestId());
        } catch (InvalidRequestException e) {
          problems.add("line " + number + ": " + e.getMessage());
          continue;
        }
        lines.add(line);
      }
    }
    if (!problems.isEmpty()) {
      throw new InvalidBatchException(file, problems);
    }
    return lines;
  }

  private static String check(JsonNode node, Set<String> customIds) {
    if (!node.isObject()) {
      return "expected a JSON object with custom_id, method, url and body";
    }
    // OpenAI's request input object: custom_id, method, url and body are all required.
    JsonNode customIdNode = node.path("custom_id");
    if (customIdNode.isMissingNode() || customIdNode.isNull() || customIdNode.asText().isBlank()) {
      return "custom_id is required";
    }
    if (!customIdNode.isTextual()) {
      return "custom_id must be a string, was " + customIdNode;
    }
    String customId = customIdNode.asText();
    if (!customIds.add(customId)) {
      return "custom_id '" + customId + "' is used twice; it must be unique within a batch";
    }
    JsonNode method = node.path("method");
    if (!method.isTextual() || !"POST".equalsIgnoreCase(method.asText())) {
      return method.isMissingNode()
          ? "method is required (POST)"
          : "method must be POST, was " + method;
    }
    JsonNode url = node.path("url");
    if (!url.isTextual() || !URLS.contains(url.asText())) {
      return url.isMissingNode()
          ? "url is required (/v1/chat/completions)"
          : "url " + url + " is not supported; use /v1/chat/completions";
    }
    if (!node.path("body").isObject()) {
      return "body must be a chat-completions request object";
    }
    JsonNode team = node.path("team");
    if (!team.isMissingNode() && !team.isNull() && !team.isTextual()) {
      return "team must be a string";
    }
    JsonNode metadata = node.path("metadata");
    if (!metadata.isMissingNode() && !metadata.isNull() && !metadata.isObject()) {
      return "metadata must be an object";
    }
    return null;
  }

  private static Line toIngress(int number, ObjectNode line, String batchId, String defaultTeam) {
    String customId = line.path("custom_id").asText();
    String requestId = batchId + ":" + customId;
    ObjectNode body = ((ObjectNode) line.path("body")).deepCopy();
    ObjectNode metadata =
        body.path("metadata").isObject()
            ? (ObjectNode) body.path("metadata")
            : body.putObject("metadata");
    if (line.path("metadata").isObject()) {
      line.path("metadata").properties().forEach(e -> metadata.set(e.getKey(), e.getValue()));
    }
    String team = line.path("team").asText(metadata.path("team").asText(defaultTeam));
    if (team != null) {
      metadata.put("team", team);
    }
    metadata.put("request_id", requestId);
    metadata.put("custom_id", customId);
    metadata.put("batch_id", batchId);
    return new Line(number, requestId, customId, body);
  }
}
