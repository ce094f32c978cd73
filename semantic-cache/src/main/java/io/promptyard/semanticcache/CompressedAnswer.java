package io.promptyard.semanticcache;

import com.github.luben.zstd.Zstd;

/**
 * A cached answer as stored: zstd-compressed when that makes it smaller, as it is otherwise (a
 * short answer gains nothing from a frame header).
 *
 * @param stored the bytes kept
 * @param originalLength the answer's length before compression
 * @param compressed whether {@code stored} is a zstd frame
 */
public record CompressedAnswer(byte[] stored, int originalLength, boolean compressed) {

  /** zstd's default level: most of the gain of higher levels at a fraction of their CPU. */
  private static final int LEVEL = 3;

  /** {@code answer}, compressed when that makes it smaller. */
  public static CompressedAnswer of(byte[] answer) {
    byte[] packed = Zstd.compress(answer, LEVEL);
    return packed.length < answer.length
        ? new CompressedAnswer(packed, answer.length, true)
        : new CompressedAnswer(answer.clone(), answer.length, false);
  }

  /** The answer as it was given. */
  public byte[] answer() {
    return compressed ? Zstd.decompress(stored, originalLength) : stored.clone();
  }
}
