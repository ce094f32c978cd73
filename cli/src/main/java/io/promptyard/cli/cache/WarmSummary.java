package io.promptyard.cli.cache;

import io.promptyard.worker.cache.CacheWarmer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What {@code promptyard cache warm} did with a file's lines or a batch's results: warmed, skipped,
 * refused.
 */
final class WarmSummary {

  private final String sourceField;
  private final String source;
  private final String countField;
  private final int count;
  private long exact;
  private long semantic;
  private long failedWrites;
  private final Map<String, Long> skipped = new TreeMap<>();
  private final List<Map<String, Object>> errors = new ArrayList<>();

  /**
   * @param sourceField {@code file} or {@code batch}, as {@code --output json} names it
   * @param countField {@code lines} or {@code results}: what {@code count} counts
   */
  WarmSummary(String sourceField, String source, String countField, int count) {
    this.sourceField = sourceField;
    this.source = source;
    this.countField = countField;
    this.count = count;
  }

  void add(CacheWarmer.Outcome outcome) {
    exact += outcome.exact() ? 1 : 0;
    semantic += outcome.semantic() ? 1 : 0;
    if (outcome.skipped() != null) {
      skipped(outcome.skipped());
    }
  }

  void skipped(String reason) {
    skipped(reason, 1);
  }

  void skipped(String reason, long count) {
    skipped.merge(reason, count, Long::sum);
  }

  /**
   * A line or request that could not be warmed.
   *
   * @param field what {@code at} is: {@code line} or {@code request_id}
   */
  void error(String field, Object at, String message) {
    Map<String, Object> e = new LinkedHashMap<>();
    e.put(field, at);
    e.put("error", message);
    errors.add(e);
  }

  void failedWrites(long failed) {
    failedWrites = failed;
  }

  long failedWrites() {
    return failedWrites;
  }

  int errors() {
    return errors.size();
  }

  /** The summary as {@code --output json} prints it. */
  Map<String, Object> document() {
    Map<String, Object> d = new LinkedHashMap<>();
    d.put(sourceField, source);
    d.put(countField, count);
    d.put("warmed_exact", exact);
    d.put("warmed_semantic", semantic);
    d.put("skipped", skipped);
    d.put("failed_semantic_writes", failedWrites);
    d.put("errors", errors);
    return d;
  }

  /** The summary in words. */
  String text(String redis, String topic) {
    StringBuilder s =
        new StringBuilder()
            .append("warmed ")
            .append(exact)
            .append(" exact cache entr(ies) in ")
            .append(redis)
            .append(" and ")
            .append(semantic)
            .append(" semantic cache entr(ies) on ")
            .append(topic)
            .append(" from ")
            .append(sourceField)
            .append(" ")
            .append(source);
    long skippedTotal = skipped.values().stream().mapToLong(Long::longValue).sum();
    s.append("; skipped ").append(skippedTotal);
    skipped.forEach((reason, n) -> s.append("\n  skipped ").append(n).append(": ").append(reason));
    if (!errors.isEmpty()) {
      s.append("\n  ").append(errors.size()).append(" could not be warmed, as said above");
    }
    if (failedWrites > 0) {
      s.append("\n  ").append(failedWrites).append(" semantic cache entr(ies) not written");
    }
    return s.toString();
  }

  /** The problems that make the command fail, once the rest is done. */
  String problems() {
    List<String> said = new ArrayList<>();
    if (!errors.isEmpty()) {
      said.add(
          errors.size() + " of " + count + " " + countField + " could not be warmed (said above)");
    }
    if (failedWrites > 0) {
      said.add(failedWrites + " semantic cache entr(ies) could not be written");
    }
    return String.join("; ", said) + "; the others were warmed";
  }
}
