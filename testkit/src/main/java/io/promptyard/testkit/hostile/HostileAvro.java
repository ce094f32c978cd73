package io.promptyard.testkit.hostile;

import io.promptyard.schemas.CompletionRequest;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import org.apache.avro.SchemaNormalization;

/**
 * Tiny {@code CompletionRequest} records, as a hostile producer writes them by hand, whose length
 * fields claim far more than the record holds: the single-object marker, the current schema's
 * fingerprint, a few short fields, then a count or a length of 2^30 or 2^31 with nothing after it.
 */
public final class HostileAvro {

  private HostileAvro() {}

  /**
   * The reported record (23 bytes): id "x", team "t", no user, no tags, model "m", and a messages
   * array of {@code count}.
   */
  public static byte[] messagesClaiming(long count) {
    return header().string("x").string("t").varint(0).varint(0).string("m").varint(count).bytes();
  }

  /** A record whose id claims {@code length} bytes of text. */
  public static byte[] idClaiming(long length) {
    return header().varint(length).bytes();
  }

  /** A record whose tags map claims {@code count} entries. */
  public static byte[] tagsClaiming(long count) {
    return header().string("x").string("t").varint(0).varint(count).bytes();
  }

  /**
   * Avro's binary encoding of a long, as every length and count is written: zig-zag, then seven
   * bits a byte.
   */
  public static byte[] varint(long value) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    long zigzag = (value << 1) ^ (value >> 63);
    while ((zigzag & ~0x7FL) != 0) {
      out.write((int) ((zigzag & 0x7F) | 0x80));
      zigzag >>>= 7;
    }
    out.write((int) zigzag);
    return out.toByteArray();
  }

  private static Writer header() {
    long fingerprint = SchemaNormalization.parsingFingerprint64(CompletionRequest.getClassSchema());
    Writer w = new Writer();
    w.out.writeBytes(
        ByteBuffer.allocate(10)
            .order(ByteOrder.LITTLE_ENDIAN)
            .put((byte) 0xC3)
            .put((byte) 0x01)
            .putLong(fingerprint)
            .array());
    return w;
  }

  /** Avro's binary encoding of longs and strings (length, then UTF-8). */
  private static final class Writer {
    final ByteArrayOutputStream out = new ByteArrayOutputStream();

    Writer varint(long value) {
      out.writeBytes(HostileAvro.varint(value));
      return this;
    }

    Writer string(String s) {
      byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
      varint(utf8.length);
      out.writeBytes(utf8);
      return this;
    }

    byte[] bytes() {
      return out.toByteArray();
    }
  }
}
