package io.promptyard.guardrails.injection;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The corpus of known attacks shipped with the project ({@code known-attacks.txt}, one per line),
 * indexed by character 5-shingles so that a text's similarity to the nearest attack is one pass
 * over its shingles. Similarity is containment: the share of an attack's shingles found in the
 * text, so an attack pasted into a long document still scores high.
 */
final class KnownAttacks {

  private static final int SHINGLE = 5;

  /**
   * The distinct shingles of every attack in an open-addressing hash table of {@code table.length /
   * 2} slots (a power of two): slot {@code i} holds a shingle at {@code 2i} and its number plus one
   * at {@code 2i + 1} (zero where the slot is empty), side by side so that a probe reads one cache
   * line; {@code attacksById} holds, by shingle number, the attacks that have it.
   */
  private final int[] table;

  private final int[][] attacksById;
  private final int[] shingleCounts;

  private KnownAttacks(List<String> attacks) {
    Map<Integer, List<Integer>> index = new TreeMap<>();
    shingleCounts = new int[attacks.size()];
    for (int i = 0; i < attacks.size(); i++) {
      int[] own = distinct(shingles(attacks.get(i)));
      shingleCounts[i] = own.length;
      for (int s : own) {
        index.computeIfAbsent(s, k -> new ArrayList<>()).add(i);
      }
    }
    int capacity = Integer.highestOneBit(Math.max(2, index.size()) * 4);
    table = new int[2 * capacity];
    attacksById = new int[index.size()][];
    int id = 0;
    for (Map.Entry<Integer, List<Integer>> e : index.entrySet()) {
      int at = slot(e.getKey());
      table[2 * at] = e.getKey();
      table[2 * at + 1] = id + 1;
      attacksById[id++] = e.getValue().stream().mapToInt(Integer::intValue).toArray();
    }
  }

  /** The slot that holds {@code shingle}, or the empty slot where it would go. */
  private int slot(int shingle) {
    int mask = table.length / 2 - 1;
    int at = (shingle * 0x9E3779B9) >>> 7 & mask;
    while (table[2 * at + 1] != 0 && table[2 * at] != shingle) {
      at = (at + 1) & mask;
    }
    return at;
  }

  /** The corpus on the class path. */
  static KnownAttacks load() {
    try (InputStream in = KnownAttacks.class.getResourceAsStream("known-attacks.txt")) {
      if (in == null) {
        throw new IllegalStateException("known-attacks.txt is missing from the class path");
      }
      List<String> attacks = new ArrayList<>();
      BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
      for (String line = reader.readLine(); line != null; line = reader.readLine()) {
        String attack = line.strip();
        if (!attack.isEmpty() && !attack.startsWith("#")) {
          attacks.add(TextViews.of(attack).normal());
        }
      }
      return new KnownAttacks(attacks);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * How much of the nearest known attack appears in {@code normalText}, in [0, 1]. Each of the
   * text's shingles found in the corpus counts once: its number is marked when counted (the corpus
   * is small, so the marks are a few kilobytes), and nothing is sorted or stored.
   */
  double similarity(String normalText) {
    boolean[] counted = new boolean[attacksById.length];
    int[] shared = new int[shingleCounts.length];
    Shingler shingler = new Shingler();
    for (int i = 0; i < normalText.length(); i++) {
      if (shingler.add(normalText.charAt(i))) {
        int id = table[2 * slot(shingler.hash) + 1] - 1;
        if (id >= 0 && !counted[id]) {
          counted[id] = true;
          for (int attack : attacksById[id]) {
            shared[attack]++;
          }
        }
      }
    }
    double best = 0;
    for (int i = 0; i < shared.length; i++) {
      if (shingleCounts[i] > 0) {
        best = Math.max(best, (double) shared[i] / shingleCounts[i]);
      }
    }
    return best;
  }

  /**
   * Hashes of the text's 5-character shingles over its letters, digits and single spaces (other
   * characters dropped), in text order, repeats included.
   */
  private static int[] shingles(String normalText) {
    int[] out = new int[normalText.length()];
    int count = 0;
    Shingler shingler = new Shingler();
    for (int i = 0; i < normalText.length(); i++) {
      if (shingler.add(normalText.charAt(i))) {
        out[count++] = shingler.hash;
      }
    }
    return Arrays.copyOf(out, count);
  }

  /** The hash of the last {@link #SHINGLE} characters kept of a text read one at a time. */
  private static final class Shingler {
    private final char[] window = new char[SHINGLE];
    private int seen;
    private char previous = ' ';

    /** The polynomial hash (base 31), rolled: dropping the oldest term gives the fresh hash. */
    int hash;

    /** Reads {@code c}; true when it completes a shingle, whose hash is then {@link #hash}. */
    boolean add(char c) {
      if (c == ' ' ? previous == ' ' : !Character.isLetterOrDigit(c)) {
        return false;
      }
      previous = c;
      int slot = seen % SHINGLE;
      hash = 31 * (hash - (seen >= SHINGLE ? window[slot] * POWER : 0)) + c;
      window[slot] = c;
      seen++;
      return seen >= SHINGLE;
    }
  }

  /** 31 to the power SHINGLE - 1: the weight of a shingle's first character in its hash. */
  private static final int POWER = 31 * 31 * 31 * 31;

  /** {@code hashes} sorted, each once (sorts {@code hashes} in place). */
  private static int[] distinct(int[] hashes) {
    Arrays.sort(hashes);
    int distinct = 0;
    for (int i = 0; i < hashes.length; i++) {
      if (i == 0 || hashes[i] != hashes[i - 1]) {
        hashes[distinct++] = hashes[i];
      }
    }
    return Arrays.copyOf(hashes, distinct);
  }
}
