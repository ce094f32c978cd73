package io.promptyard.router;

import java.util.Arrays;
import java.util.List;
import java.util.Random;

/** Byte-level mutations of a record, as corruption or a hostile producer makes them. */
final class Mutations {

  private Mutations() {}

  /**
   * {@code original} with one to four mutations: a flipped bit, a cut, a repeated run, an inserted
   * token from {@code tokens}, a truncation, two swapped bytes.
   */
  static byte[] mutate(Random random, byte[] original, List<byte[]> tokens) {
    byte[] b = original;
    int mutations = 1 + random.nextInt(4);
    for (int m = 0; m < mutations && b.length > 0; m++) {
      int at = random.nextInt(b.length);
      b =
          switch (random.nextInt(6)) {
            case 0 -> flipBit(b, at, random);
            case 1 -> cut(b, at, Math.min(b.length, at + 1 + random.nextInt(8)));
            case 2 ->
                insert(
                    b,
                    at,
                    Arrays.copyOfRange(b, at, Math.min(b.length, at + 1 + random.nextInt(16))));
            case 3 -> insert(b, at, tokens.get(random.nextInt(tokens.size())));
            case 4 -> Arrays.copyOf(b, at);
            default -> swap(b, at, random.nextInt(b.length));
          };
    }
    return b;
  }

  /**
   * {@code b} with the bytes at {@code at} overwritten by {@code bytes}, as far as {@code b}
   * reaches.
   */
  static byte[] overwrite(byte[] b, int at, byte[] bytes) {
    byte[] out = b.clone();
    System.arraycopy(bytes, 0, out, at, Math.min(bytes.length, out.length - at));
    return out;
  }

  private static byte[] flipBit(byte[] b, int at, Random random) {
    byte[] out = b.clone();
    out[at] ^= (byte) (1 << random.nextInt(8));
    return out;
  }

  private static byte[] cut(byte[] b, int from, int to) {
    byte[] out = new byte[b.length - (to - from)];
    System.arraycopy(b, 0, out, 0, from);
    System.arraycopy(b, to, out, from, b.length - to);
    return out;
  }

  private static byte[] insert(byte[] b, int at, byte[] bytes) {
    byte[] out = new byte[b.length + bytes.length];
    System.arraycopy(b, 0, out, 0, at);
    System.arraycopy(bytes, 0, out, at, bytes.length);
    System.arraycopy(b, at, out, at + bytes.length, b.length - at);
    return out;
  }

  private static byte[] swap(byte[] b, int i, int j) {
    byte[] out = b.clone();
    byte t = out[i];
    out[i] = out[j];
    out[j] = t;
    return out;
  }
}
