package io.promptyard.cli.cache;

import io.promptyard.worker.cache.CacheWarmer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** What {@code promptyard cache warm} did with a file's lines: warmed, skipped, refused. */
final class WarmSummary {

  private final String file;
  private final int lines;
  private long exact;
  private long semantic;
  private long failedWrites;
  private final Map<String, Long> skipped = new TreeMap<>();
  private final List<Map<String, Object>> errors = new ArrayList<>();

  WarmSummary(String file, int lines) {
    this.file = file;
    this.lines = lines;
  }

  void add(CacheWarmer.Outcome outcome) {
    exact += outcome.exact() ? 1 : 0;
    semantic += outcome.semantic() ? 1 : 0;
    if (outcome.skipped() != null) {
      skipped(outcome.skipped());
    }
  }

  void skipped(String reason) {
    skipped.merge(reason, 1L, Long::sum);
  }

  void error(int line, String message) {
    Map<String, Object> e = new LinkedHashMap<>();
    e.put("line", line);
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
    d.put("file", file);
    d.put("lines", lines);
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
            .append(file);
    long skippedTotal = skipped.values().stream().mapToLong(Long::longValue).sum();
    s.append("; skipped ").append(skippedTotal);
    skipped.forEach((reason, n) -> s.append("\n  skipped ").append(n).append(": ").append(reason));
    if (!errors.isEmpty()) {
      s.append("\n  ").append(errors.size()).append(" bad line(s), reported above");
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
      said.add(errors.size() + " of " + lines + " line(s) of " + file + " are bad (said above)");
    }
    if (failedWrites > 0) {
      said.add(failedWrites + " semantic cache entr(ies) could not be written");
    }
    return String.join("; ", said) + "; the other lines were warmed";
  }
}
