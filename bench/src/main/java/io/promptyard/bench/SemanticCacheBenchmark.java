package io.promptyard.bench;

import io.promptyard.semanticcache.EvaluationSet;
import io.promptyard.semanticcache.MiniLmEmbedder;
import io.promptyard.semanticcache.SemanticCache;
import io.promptyard.semanticcache.SemanticCacheConfig;
import io.promptyard.semanticcache.SemanticKey;
import io.promptyard.semanticcache.SemanticQuery;
import java.io.PrintWriter;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.HdrHistogram.Histogram;

/**
 * The semantic cache's quality and cost: paraphrase hit rate and near-miss false-hit rate on the
 * evaluation set at the default threshold (real all-MiniLM-L6-v2 embeddings), embedding CPU per
 * prompt, then an index of {@code promptyard.bench.entries} (100,000) entries in one partition —
 * the worst case, one team asking one model without history — filled with random unit vectors
 * (embedding 100,000 texts would cost minutes of CPU), with answers made of the evaluation set's
 * sentences: lookup latency percentiles (the query's embedding given), heap per 100,000 entries and
 * the answers' compression ratio.
 */
public final class SemanticCacheBenchmark extends NamedBenchmark {

  private final int entries = Integer.getInteger("promptyard.bench.entries", 100_000);
  private final int lookups = Integer.getInteger("promptyard.bench.lookups", 5_000);

  public SemanticCacheBenchmark() {
    super(
        "semantic-cache",
        "paraphrase and false-hit rates, embedding CPU, lookup p99 and heap at 100k entries");
  }

  @Override
  void measure(Map<String, Object> f, PrintWriter log) throws Exception {
    MiniLmEmbedder embedder = new MiniLmEmbedder();
    embedder.embed("warm the model up");
    EvaluationSet set = EvaluationSet.load("/semantic-cache-eval");
    log.printf(
        "semantic-cache: scoring %d paraphrase and %d near-miss pairs…%n",
        set.paraphrases().size(), set.nearMisses().size());
    long cpu = CpuTime.process();
    EvaluationSet.Scored scored = set.score(embedder);
    int embedded = 2 * (set.paraphrases().size() + set.nearMisses().size());
    double cpuPerEmbedding = (CpuTime.process() - cpu) / 1e6 / embedded;
    double threshold = SemanticCacheConfig.DEFAULT_MIN_SIMILARITY;
    EvaluationSet.Rates rates = scored.at(threshold);
    f.put("embedder", embedder.describe());
    f.put("paraphrase_pairs", set.paraphrases().size());
    f.put("near_miss_pairs", set.nearMisses().size());
    f.put("default_threshold", threshold);
    f.put("paraphrase_hit_rate", Figures.round(rates.paraphraseHitRate(), 3));
    f.put("near_miss_false_hit_rate", Figures.round(rates.falseHitRate(), 3));
    f.put(
        "near_miss_above_threshold_without_guard",
        Figures.round(rates.falseHitRateWithoutGuard(), 3));
    f.put("lowest_threshold_with_false_hits_at_most_1pct", scored.safest(0.01).threshold());
    f.put("embedding_cpu_ms_per_prompt", Figures.round(cpuPerEmbedding, 3));
    indexFigures(embedder, set, log, f);
  }

  private void indexFigures(
      MiniLmEmbedder embedder, EvaluationSet set, PrintWriter log, Map<String, Object> f) {
    int dimension = embedder.dimension();
    List<String> sentences = new ArrayList<>();
    set.paraphrases().forEach(p -> sentences.add(p.asked()));
    set.nearMisses().forEach(p -> sentences.add(p.cached()));
    SplittableRandom random = new SplittableRandom(20);
    SemanticKey key = new SemanticKey("bench-team", "openai/gpt-4o", "no-history");
    SemanticCacheConfig config = SemanticCacheConfig.defaults().withBounds(entries, Long.MAX_VALUE);
    long heapBefore = usedHeapAfterGc();
    try (SemanticCache cache = new SemanticCache(embedder, config, Clock.systemUTC())) {
      log.printf("semantic-cache: filling the index with %,d entries…%n", entries);
      long fillCpu = CpuTime.process();
      long fillStart = System.nanoTime();
      for (int i = 0; i < entries; i++) {
        cache.put(
            new SemanticQuery(key, "generated question " + i),
            randomUnit(random, dimension),
            "req-" + i,
            answer(sentences, random),
            Duration.ofDays(1));
      }
      cache.refresh();
      f.put("entries", entries);
      f.put("fill_seconds", Math.round((System.nanoTime() - fillStart) / 1e8) / 10.0);
      f.put("fill_cpu_us_per_entry", Math.round((CpuTime.process() - fillCpu) / 1e3 / entries));
      f.put("index_segments", cache.indexSegments());
      long heapAfter = usedHeapAfterGc();
      f.put(
          "heap_mb_per_100k_entries",
          Math.round((heapAfter - heapBefore) / 1048576.0 * 100_000 / entries));
      SemanticCache.Stats stats = cache.stats();
      f.put(
          "answer_compression_ratio",
          Figures.round((double) stats.answerBytes() / stats.storedAnswerBytes(), 3));
      f.put("answer_bytes_mean", stats.answerBytes() / entries);
      // Wall time and the lookup thread's own CPU time: on a loaded machine the first waits for
      // a core, the second does not.
      ThreadMXBean threads = ManagementFactory.getThreadMXBean();
      Histogram micros = new Histogram(3);
      Histogram cpuMicros = new Histogram(3);
      for (int i = 0; i < lookups; i++) {
        float[] query = randomUnit(random, dimension);
        long cpuStart = threads.getCurrentThreadCpuTime();
        long start = System.nanoTime();
        cache.lookup(new SemanticQuery(key, "generated question"), query);
        micros.recordValue((System.nanoTime() - start) / 1000);
        cpuMicros.recordValue((threads.getCurrentThreadCpuTime() - cpuStart) / 1000);
      }
      f.put("lookups", lookups);
      f.put("lookup_p50_ms", micros.getValueAtPercentile(50) / 1000.0);
      f.put("lookup_p99_ms", micros.getValueAtPercentile(99) / 1000.0);
      f.put("lookup_max_ms", micros.getMaxValue() / 1000.0);
      f.put("lookup_cpu_p50_ms", cpuMicros.getValueAtPercentile(50) / 1000.0);
      f.put("lookup_cpu_p99_ms", cpuMicros.getValueAtPercentile(99) / 1000.0);
      f.put("vector_api", ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent());
    }
  }

  private static float[] randomUnit(SplittableRandom random, int dimension) {
    float[] v = new float[dimension];
    double sum = 0;
    for (int i = 0; i < dimension; i++) {
      v[i] = (float) (random.nextDouble() * 2 - 1);
      sum += v[i] * v[i];
    }
    float scale = (float) (1 / Math.sqrt(sum));
    for (int i = 0; i < dimension; i++) {
      v[i] *= scale;
    }
    return v;
  }

  /** An answer of 3 to 12 sentences of English from the evaluation set. */
  private static byte[] answer(List<String> sentences, SplittableRandom random) {
    StringBuilder sb = new StringBuilder();
    int n = 3 + random.nextInt(10);
    for (int i = 0; i < n; i++) {
      sb.append(sentences.get(random.nextInt(sentences.size()))).append(' ');
    }
    return sb.toString().getBytes(StandardCharsets.UTF_8);
  }

  private static long usedHeapAfterGc() {
    Runtime rt = Runtime.getRuntime();
    for (int i = 0; i < 3; i++) {
      System.gc();
    }
    return rt.totalMemory() - rt.freeMemory();
  }
}
