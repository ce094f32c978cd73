package io.promptyard.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The JSON ingress body of benchmark request number {@code i} of a batch: model {@code cheap},
 * {@code max_tokens} 64, one of five teams, and a prompt no other request repeats, so nothing is
 * answered from the cache.
 */
final class BenchRequests {

  private static final ObjectMapper JSON = new ObjectMapper();

  private BenchRequests() {}

  /** The request id of request {@code i} of {@code batch}: {@code batch:i}. */
  static String id(String batch, int i) {
    return idPrefix(batch) + i;
  }

  /** What the ids of {@code batch}'s requests, and of no other batch's, start with. */
  static String idPrefix(String batch) {
    return batch + ":";
  }

  /**
   * The body of request {@code i} of {@code batch}.
   *
   * @param priority {@code interactive}, {@code batch}, or null to leave the router's default
   */
  static ObjectNode body(String batch, int i, String priority) {
    ObjectNode body = JSON.createObjectNode().put("model", "cheap").put("max_tokens", 64);
    body.putArray("messages")
        .addObject()
        .put("role", "user")
        .put("content", "Benchmark question " + batch + " #" + i);
    ObjectNode meta =
        body.putObject("metadata")
            .put("team", "team-" + (i % 5))
            .put("request_id", id(batch, i))
            .put("batch_id", batch)
            .put("custom_id", "q" + i);
    if (priority != null) {
      meta.put("priority", priority);
    }
    return body;
  }
}
