package io.promptyard.semanticcache;

import io.promptyard.schemas.CompletionRequest;
import io.promptyard.schemas.ContentPart;
import io.promptyard.schemas.Message;
import io.promptyard.schemas.Role;
import io.promptyard.schemas.serde.RequestDigest;
import java.util.List;
import java.util.Optional;

/**
 * The exact part of a semantic cache key: the team (a semantic hit never crosses teams, whatever
 * scope the request asks for), the resolved {@code provider/model}, and a digest of everything else
 * that changes the answer — every message but the last user message, its position, and every
 * parameter (tools and response schema included). Only entries with an equal key are compared.
 *
 * @param team the requesting team
 * @param model {@code provider/model}
 * @param digest hex SHA-256 of the model, the other messages and the parameters
 */
public record SemanticKey(String team, String model, String digest) {

  /**
   * A request's key and the text compared semantically, or empty when the request cannot be
   * answered semantically: it has no user message, or its last user message is not plain text
   * (images, or text split into parts are compared exactly or not at all).
   */
  public static Optional<SemanticQuery> of(
      CompletionRequest request, String provider, String model) {
    List<Message> messages = request.getMessages();
    int last = -1;
    for (int i = messages.size() - 1; i >= 0; i--) {
      if (messages.get(i).getRole() == Role.USER) {
        last = i;
        break;
      }
    }
    if (last < 0) {
      return Optional.empty();
    }
    Message question = messages.get(last);
    String text = plainText(question);
    if (text == null || text.isBlank()) {
      return Optional.empty();
    }
    String resolved = provider + "/" + model;
    return Optional.of(
        new SemanticQuery(
            new SemanticKey(
                request.getTeam(),
                resolved,
                RequestDigest.without(resolved, messages, last, request.getParameters())),
            text));
  }

  /** The partition of the index this key's entries live in: all three parts. */
  public String partition() {
    return team + "\n" + model + "\n" + digest;
  }

  private static String plainText(Message m) {
    if (!m.getToolCalls().isEmpty() || m.getName() != null) {
      return null;
    }
    if (m.getParts().isEmpty()) {
      return m.getText();
    }
    if (m.getText() != null || m.getParts().size() != 1) {
      return null;
    }
    ContentPart part = m.getParts().get(0);
    return "text".equals(part.getType()) ? part.getText() : null;
  }
}
