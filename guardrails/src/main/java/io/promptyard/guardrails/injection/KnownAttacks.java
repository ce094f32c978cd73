package io.promptyard.guardrails.injection;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The corpus of known attacks shipped with the project ({@code known-attacks.txt}, one per line),
 * indexed by character 5-shingles so that a text's similarity to the nearest attack is one pass
 * over its shingles. Similarity is containment: the share of an attack's shingles found in the
 * text, so an attack pasted into a long document still scores high.
 */
final class KnownAttacks {

  private static final int SHINGLE = 5;

  private final Map<Integer, int[]> attacksByShingle;
  private final int[] shingleCounts;

  private KnownAttacks(List<String> attacks) {
    Map<Integer, List<Integer>> index = new HashMap<>();
    shingleCounts = new int[attacks.size()];
    for (int i = 0; i < attacks.size(); i++) {
      Set<Integer> shingles = shingles(attacks.get(i));
      shingleCounts[i] = shingles.size();
      for (int s : shingles) {
        index.computeIfAbsent(s, k -> new ArrayList<>()).add(i);
      }
    }
    attacksByShingle = new HashMap<>();
    index.forEach(
        (s, ids) -> attacksByShingle.put(s, ids.stream().mapToInt(Integer::intValue).toArray()));
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
      int[] ids = attacksByShingle.get(s);
      if (ids != null) {
        for (int id : ids) {
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

  /** Hashes of the text's 5-character shingles, letters and digits only, words single-spaced. */
  private static Set<Integer> shingles(String normalText) {
    String text = normalText.replaceAll("[^\\p{L}\\p{N} ]+", "").replaceAll(" +", " ");
    Set<Integer> out = new HashSet<>();
    for (int i = 0; i + SHINGLE <= text.length(); i++) {
      out.add(text.substring(i, i + SHINGLE).hashCode());
    }
    return out;
  }
}
