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

  /** The shingles of every attack, sorted, and for each the attacks that have it. */
  private final int[] shingles;

  private final int[][] attacksByShingle;
  private final int[] shingleCounts;

  private KnownAttacks(List<String> attacks) {
    Map<Integer, List<Integer>> index = new TreeMap<>();
    shingleCounts = new int[attacks.size()];
    for (int i = 0; i < attacks.size(); i++) {
      int[] own = shingles(attacks.get(i));
      shingleCounts[i] = own.length;
      for (int s : own) {
        index.computeIfAbsent(s, k -> new ArrayList<>()).add(i);
      }
    }
    shingles = index.keySet().stream().mapToInt(Integer::intValue).toArray();
    attacksByShingle =
        index.values().stream()
            .map(ids -> ids.stream().mapToInt(Integer::intValue).toArray())
            .toArray(int[][]::new);
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

  /** How much of the nearest known attack appears in {@code normalText}, in [0, 1]. */
  double similarity(String normalText) {
    int[] shared = new int[shingleCounts.length];
    for (int s : shingles(normalText)) {
      int at = Arrays.binarySearch(shingles, s);
      if (at >= 0) {
        for (int id : attacksByShingle[at]) {
          shared[id]++;
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
   * characters dropped), distinct and sorted.
   */
  private static int[] shingles(String normalText) {
    char[] window = new char[SHINGLE];
    int[] out = new int[normalText.length()];
    int count = 0;
    int seen = 0;
    char previous = ' ';
    for (int i = 0; i < normalText.length(); i++) {
      char c = normalText.charAt(i);
      if (c == ' ' ? previous == ' ' : !Character.isLetterOrDigit(c)) {
        continue;
      }
      previous = c;
      window[seen % SHINGLE] = c;
      seen++;
      if (seen >= SHINGLE) {
        int h = 0;
        for (int k = seen - SHINGLE; k < seen; k++) {
          h = 31 * h + window[k % SHINGLE];
        }
        out[count++] = h;
      }
    }
    int[] sorted = Arrays.copyOf(out, count);
    Arrays.sort(sorted);
    int distinct = 0;
    for (int i = 0; i < sorted.length; i++) {
      if (i == 0 || sorted[i] != sorted[i - 1]) {
        sorted[distinct++] = sorted[i];
      }
    }
    return Arrays.copyOf(sorted, distinct);
  }
}
