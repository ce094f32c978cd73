package io.promptyard.schemas.serde;

import io.promptyard.schemas.Message;
import io.promptyard.schemas.Parameters;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumWriter;

/**
 * Hex SHA-256 over what changes a model's answer — the resolved model, the messages and every
 * parameter (tools and response schema included) — in Avro's binary encoding, which is
 * deterministic for a schema and a value and so a canonical form. The exact cache's keys and the
 * semantic cache's partitions are built on it.
 */
public final class RequestDigest {

  private static final SpecificDatumWriter<Message> MESSAGES =
      new SpecificDatumWriter<>(Message.class);
  private static final SpecificDatumWriter<Parameters> PARAMETERS =
      new SpecificDatumWriter<>(Parameters.class);

  /** Cloned per digest: a clone is cheaper than looking the algorithm up among the providers. */
  private static final MessageDigest SHA_256 = sha256();

  private RequestDigest() {}

  /** The digest of {@code model}, all of {@code messages} and {@code parameters}. */
  public static String of(String model, List<Message> messages, Parameters parameters) {
    return digest(model, messages, -1, parameters);
  }

  /**
   * The digest of {@code model}, every message but the one at {@code leftOut} (and that position,
   * so two conversations that differ only in where the left-out message stands differ), and {@code
   * parameters}.
   */
  public static String without(
      String model, List<Message> messages, int leftOut, Parameters parameters) {
    if (leftOut < 0 || leftOut >= messages.size()) {
      throw new IllegalArgumentException(
          "message " + leftOut + " is not one of the " + messages.size() + " messages");
    }
    return digest(model, messages, leftOut, parameters);
  }

  private static String digest(
      String model, List<Message> messages, int leftOut, Parameters parameters) {
    try {
      MessageDigest sha = (MessageDigest) SHA_256.clone();
      // Straight into the digest, with Avro's unbuffered encoder: the same bytes as a buffered one,
      // without a buffer and a copy per key.
      DigestOutputStream canonical = new DigestOutputStream(OutputStream.nullOutputStream(), sha);
      canonical.write((model + "\n").getBytes(StandardCharsets.UTF_8));
      BinaryEncoder enc = EncoderFactory.get().directBinaryEncoder(canonical, null);
      if (leftOut >= 0) {
        enc.writeInt(leftOut);
      }
      enc.writeArrayStart();
      enc.setItemCount(leftOut >= 0 ? messages.size() - 1L : messages.size());
      for (int i = 0; i < messages.size(); i++) {
        if (i != leftOut) {
          enc.startItem();
          MESSAGES.write(messages.get(i), enc);
        }
      }
      enc.writeArrayEnd();
      enc.writeBoolean(parameters != null);
      if (parameters != null) {
        PARAMETERS.write(parameters, enc);
      }
      enc.flush();
      return HexFormat.of().formatHex(sha.digest());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (CloneNotSupportedException e) {
      throw new IllegalStateException("this JVM's SHA-256 cannot be cloned", e);
    }
  }

  private static MessageDigest sha256() {
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      // fails here, at class initialisation, rather than at the first key
      return (MessageDigest) sha.clone();
    } catch (NoSuchAlgorithmException | CloneNotSupportedException e) {
      throw new IllegalStateException("this JVM has no cloneable SHA-256", e);
    }
  }
}
