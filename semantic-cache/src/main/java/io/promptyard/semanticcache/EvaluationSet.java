package io.promptyard.semanticcache;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Pairs of prompts that should share an answer (paraphrases) and pairs that must not (near misses),
 * read from {@code paraphrases.tsv} ({@code A<TAB>B}) and {@code near-misses.tsv} ({@code
 * KIND<TAB>A<TAB>B}); lines starting with {@code #} are comments. Scoring one with an {@link
 * Embedder} gives, at any threshold, the paraphrase hit rate and the near-miss false-hit rate of a
 * lookup that asks A with B cached.
 *
 * @param paraphrases the pairs that should share an answer
 * @param nearMisses the pairs that must not
 */
public record EvaluationSet(List<Pair> paraphrases, List<Pair> nearMisses) {

  /**
   * Two prompts.
   *
   * @param kind what differs between them ({@code paraphrase} for paraphrases)
   * @param asked the prompt looked up
   * @param cached the prompt whose answer is in the cache
   */
  public record Pair(String kind, String asked, String cached) {}

  /**
   * A pair as the cache judges it.
   *
   * @param pair the pair
   * @param similarity cosine similarity of the two prompts' embeddings
   * @param refused what the guard found different, if anything
   */
  public record ScoredPair(Pair pair, double similarity, Optional<NearMissGuard.NearMiss> refused) {

    /** Whether a lookup at {@code threshold} would reuse the cached answer. */
    public boolean hitAt(double threshold) {
      return similarity >= threshold && refused.isEmpty();
    }
  }

  /**
   * Rates at one threshold.
   *
   * @param threshold the minimum similarity
   * @param paraphraseHitRate paraphrase pairs answered from the cache
   * @param falseHitRate near-miss pairs answered from the cache (wrongly)
   * @param falseHitRateWithoutGuard near-miss pairs above the threshold, which the guard must catch
   */
  public record Rates(
      double threshold,
      double paraphraseHitRate,
      double falseHitRate,
      double falseHitRateWithoutGuard) {}

  /** Reads the set from the class path directory {@code dir} (e.g. {@code /eval}). */
  public static EvaluationSet load(String dir) {
    List<Pair> paraphrases = new ArrayList<>();
    for (String[] row : rows(dir + "/paraphrases.tsv", 2)) {
      paraphrases.add(new Pair("paraphrase", row[0], row[1]));
    }
    List<Pair> nearMisses = new ArrayList<>();
    for (String[] row : rows(dir + "/near-misses.tsv", 3)) {
      nearMisses.add(new Pair(row[0], row[1], row[2]));
    }
    return new EvaluationSet(List.copyOf(paraphrases), List.copyOf(nearMisses));
  }

  /** Every pair with its similarity under {@code embedder} and the guard's verdict. */
  public Scored score(Embedder embedder) {
    return new Scored(score(paraphrases, embedder), score(nearMisses, embedder));
  }

  private static List<ScoredPair> score(List<Pair> pairs, Embedder embedder) {
    List<ScoredPair> out = new ArrayList<>(pairs.size());
    for (Pair p : pairs) {
      float[] a = embedder.embed(p.asked());
      float[] b = embedder.embed(p.cached());
      double dot = 0;
      for (int i = 0; i < a.length; i++) {
        dot += a[i] * b[i];
      }
      out.add(new ScoredPair(p, dot, NearMissGuard.compare(p.asked(), p.cached())));
    }
    return List.copyOf(out);
  }

  /**
   * A scored set.
   *
   * @param paraphrases the paraphrase pairs, scored
   * @param nearMisses the near-miss pairs, scored
   */
  public record Scored(List<ScoredPair> paraphrases, List<ScoredPair> nearMisses) {

    public Rates at(double threshold) {
      return new Rates(
          threshold,
          share(paraphrases, p -> p.hitAt(threshold)),
          share(nearMisses, p -> p.hitAt(threshold)),
          share(nearMisses, p -> p.similarity() >= threshold));
    }

    /**
     * The lowest threshold, in steps of 0.01 from 0.50, whose false-hit rate is at most {@code
     * maxFalseHitRate}: the one with the most paraphrase hits among those safe enough.
     */
    public Rates safest(double maxFalseHitRate) {
      for (int t = 50; t <= 100; t++) {
        Rates r = at(t / 100.0);
        if (r.falseHitRate() <= maxFalseHitRate) {
          return r;
        }
      }
      return at(1.0);
    }

    /** The near-miss pairs a lookup at {@code threshold} would wrongly answer. */
    public List<ScoredPair> falseHits(double threshold) {
      return nearMisses.stream().filter(p -> p.hitAt(threshold)).toList();
    }

    private static double share(
        List<ScoredPair> pairs, java.util.function.Predicate<ScoredPair> which) {
      return pairs.isEmpty() ? 0 : (double) pairs.stream().filter(which).count() / pairs.size();
    }
  }

  private static List<String[]> rows(String resource, int columns) {
    InputStream in = EvaluationSet.class.getResourceAsStream(resource);
    if (in == null) {
      throw new IllegalArgumentException("no evaluation file " + resource + " on the class path");
    }
    List<String[]> out = new ArrayList<>();
    try (BufferedReader reader =
        new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
      String line;
      int number = 0;
      while ((line = reader.readLine()) != null) {
        number++;
        if (line.isBlank() || line.startsWith("#")) {
          continue;
        }
        String[] row = line.split("\t", -1);
        if (row.length != columns) {
          throw new IllegalArgumentException(
              resource + " line " + number + ": expected " + columns + " tab-separated columns");
        }
        out.add(row);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out;
  }
}
