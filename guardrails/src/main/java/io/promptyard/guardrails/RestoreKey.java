package io.promptyard.guardrails;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * The key of the guard's {@code restore} mode: the router seals a request's placeholder mapping
 * ({@link Redactions}) with it, AES-256-GCM, bound to the request (its team and id as associated
 * data), so that the mapping travels on the routed record only as ciphertext; the worker opens it
 * for the life of the job and puts the values back into the answer. A sealed mapping is a version
 * byte, a random 12-byte nonce, then the ciphertext and its 16-byte tag. {@link #toString} never
 * shows the key.
 */
public final class RestoreKey {

  /**
   * The detector name of the verdict a result carries when its request's values could not be put
   * back into its answer (no key, a key that does not open the mapping, tampered bytes).
   */
  public static final String VERDICT = "restore";

  private static final byte VERSION = 1;
  private static final int NONCE_BYTES = 12;
  private static final int TAG_BITS = 128;
  private static final SecureRandom RANDOM = new SecureRandom();

  private final SecretKeySpec key;

  private RestoreKey(byte[] raw) {
    if (raw.length != 32) {
      throw new IllegalArgumentException("a restore key is 32 bytes (AES-256), was " + raw.length);
    }
    this.key = new SecretKeySpec(raw.clone(), "AES");
  }

  /** The key of these 32 bytes. */
  public static RestoreKey of(byte[] raw) {
    return new RestoreKey(raw);
  }

  /**
   * {@code redactions}' mapping back to the values, sealed for request {@code id} of {@code team}.
   */
  public byte[] seal(Redactions redactions, String team, String id) {
    byte[] nonce = new byte[NONCE_BYTES];
    RANDOM.nextBytes(nonce);
    try {
      Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
      cipher.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, nonce));
      cipher.updateAAD(associated(team, id));
      byte[] sealed = cipher.doFinal(encode(redactions.valueByPlaceholder()));
      byte[] out = new byte[1 + NONCE_BYTES + sealed.length];
      out[0] = VERSION;
      System.arraycopy(nonce, 0, out, 1, NONCE_BYTES);
      System.arraycopy(sealed, 0, out, 1 + NONCE_BYTES, sealed.length);
      return out;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("every JDK has AES/GCM", e);
    }
  }

  /**
   * The redactions sealed in {@code sealed} for request {@code id} of {@code team}; empty when they
   * cannot be opened: another key, another request's mapping, or bytes changed on the way (the GCM
   * tag does not match), or not a sealed mapping at all.
   */
  public Optional<Redactions> open(byte[] sealed, String team, String id) {
    if (sealed == null || sealed.length < 1 + NONCE_BYTES + TAG_BITS / 8 || sealed[0] != VERSION) {
      return Optional.empty();
    }
    try {
      Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
      cipher.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, sealed, 1, NONCE_BYTES));
      cipher.updateAAD(associated(team, id));
      byte[] plain = cipher.doFinal(sealed, 1 + NONCE_BYTES, sealed.length - 1 - NONCE_BYTES);
      return Optional.of(Redactions.of(decode(plain)));
    } catch (GeneralSecurityException | IOException | RuntimeException e) {
      return Optional.empty();
    }
  }

  @Override
  public String toString() {
    return "RestoreKey[not shown]";
  }

  private static byte[] associated(String team, String id) {
    return ("promptyard-restore\u0000" + team + "\u0000" + id).getBytes(StandardCharsets.UTF_8);
  }

  private static byte[] encode(Map<String, String> mapping) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      out.writeInt(mapping.size());
      for (Map.Entry<String, String> e : mapping.entrySet()) {
        writeString(out, e.getKey());
        writeString(out, e.getValue());
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }

  private static Map<String, String> decode(byte[] plain) throws IOException {
    DataInputStream in = new DataInputStream(new ByteArrayInputStream(plain));
    int n = in.readInt();
    if (n < 0 || n > plain.length) {
      throw new IOException("bad count");
    }
    Map<String, String> mapping = new LinkedHashMap<>();
    for (int i = 0; i < n; i++) {
      mapping.put(readString(in), readString(in));
    }
    return mapping;
  }

  private static void writeString(DataOutputStream out, String s) throws IOException {
    byte[] b = s.getBytes(StandardCharsets.UTF_8);
    out.writeInt(b.length);
    out.write(b);
  }

  private static String readString(DataInputStream in) throws IOException {
    int len = in.readInt();
    if (len < 0 || len > in.available()) {
      throw new IOException("bad length");
    }
    return new String(in.readNBytes(len), StandardCharsets.UTF_8);
  }
}
