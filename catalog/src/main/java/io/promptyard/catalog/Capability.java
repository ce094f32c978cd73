package io.promptyard.catalog;

import io.promptyard.schemas.CompletionRequest;
import io.promptyard.schemas.ContentPart;
import io.promptyard.schemas.Message;
import io.promptyard.schemas.Parameters;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;

/** Something a model can do that a request may require. */
public enum Capability {
  VISION,
  TOOLS,
  JSON_SCHEMA,
  STREAMING;

  /** Parses a catalog or request spelling such as {@code json_schema}. */
  public static Capability parse(String text) {
    try {
      return valueOf(text.trim().toUpperCase(Locale.ROOT).replace('-', '_'));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "unknown capability '" + text + "' (vision, tools, json_schema, streaming)");
    }
  }

  /**
   * The capabilities a request needs: what it asks for explicitly and what its content implies
   * (images need vision, tools need tools, a JSON Schema response needs json_schema, streaming
   * needs streaming).
   *
   * @throws IllegalArgumentException when the request names a capability that does not exist
   */
  public static Set<Capability> requiredBy(CompletionRequest request) {
    Set<Capability> needed = EnumSet.noneOf(Capability.class);
    if (request.getRouting() != null) {
      request.getRouting().getRequiredCapabilities().forEach(c -> needed.add(parse(c)));
    }
    if (request.getStream()) {
      needed.add(STREAMING);
    }
    for (Message m : request.getMessages()) {
      for (ContentPart p : m.getParts()) {
        if ("image_url".equals(p.getType())) {
          needed.add(VISION);
        }
      }
    }
    Parameters p = request.getParameters();
    if (p != null) {
      if (!p.getTools().isEmpty()) {
        needed.add(TOOLS);
      }
      if (p.getResponseFormat() != null && "json_schema".equals(p.getResponseFormat().getType())) {
        needed.add(JSON_SCHEMA);
      }
    }
    return needed;
  }
}
