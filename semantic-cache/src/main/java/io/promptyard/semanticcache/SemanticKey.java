package io.promptyard.semanticcache;

import io.promptyard.schemas.CompletionRequest;
import io.promptyard.schemas.ContentPart;
import io.promptyard.schemas.Message;
import io.promptyard.schemas.Parameters;
import io.promptyard.schemas.Role;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumWriter;

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

  private static final SpecificDatumWriter<Message> MESSAGES =
      new SpecificDatumWriter<>(Message.class);
  private static final SpecificDatumWriter<Parameters> PARAMETERS =
      new SpecificDatumWriter<>(Parameters.class);

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
            new SemanticKey(request.getTeam(), resolved, digest(resolved, request, last)), text));
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

  private static String digest(String model, CompletionRequest request, int questionIndex) {
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      DigestOutputStream canonical = new DigestOutputStream(OutputStream.nullOutputStream(), sha);
      canonical.write((model + "\n").getBytes(StandardCharsets.UTF_8));
      // Avro binary encoding is deterministic for a schema and a value: a canonical form.
      BinaryEncoder enc = EncoderFactory.get().directBinaryEncoder(canonical, null);
      List<Message> messages = request.getMessages();
      enc.writeInt(questionIndex);
      enc.writeArrayStart();
      enc.setItemCount(messages.size() - 1L);
      for (int i = 0; i < messages.size(); i++) {
        if (i != questionIndex) {
          enc.startItem();
          MESSAGES.write(messages.get(i), enc);
        }
      }
      enc.writeArrayEnd();
      Parameters p = request.getParameters();
      enc.writeBoolean(p != null);
      if (p != null) {
        PARAMETERS.write(p, enc);
      }
      enc.flush();
      return HexFormat.of().formatHex(sha.digest());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
  }
}
