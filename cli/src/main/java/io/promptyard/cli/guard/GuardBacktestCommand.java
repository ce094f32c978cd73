package io.promptyard.cli.guard;

import io.promptyard.cli.ConnectionOptions;
import io.promptyard.cli.OutputOption;
import io.promptyard.cli.PrintingCommand;
import io.promptyard.cli.dlq.FilterOptions;
import io.promptyard.guardrails.Guard;
import io.promptyard.guardrails.GuardPolicy;
import io.promptyard.schemas.ingress.JsonIngress;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code promptyard guard backtest}: what a candidate guard policy would have done to the requests
 * still retained on the ingress topics ({@link GuardBacktest}).
 */
@Command(
    name = "backtest",
    mixinStandardHelpOptions = true,
    description = {
      "Replay the requests still retained on the ingress topics through a candidate guard policy and",
      "report what it would have flagged, redacted or blocked: requests by decision, requests and",
      "values found by detector and action, and a few of the requests it acted on, with every value",
      "found shown as its type ([EMAIL]). Reads from the offsets of --from up to the end offsets at",
      "the start, without a consumer group; writes nothing. Records that do not decode, or that the",
      "router would refuse before its guard, are counted and skipped with their reason. Progress goes",
      "to standard error. A request naming a template is inspected as written (the router inspects",
      "it rendered)."
    },
    footer = {
      "",
      "--output json prints {policy, from, team, topics, records, requests, other_teams, templated,",
      "decisions {allow, flag, redact, block}, verdicts [{detector, action, requests, findings}],",
      "skipped [{kind, count, first, reason}], samples [{at, timestamp, id, team, decision,",
      "findings [{text, detector, type, start, end, score, action}], texts}]}.",
      "",
      "Examples:",
      "  promptyard guard backtest --policy candidate.json --from 24h --team support",
      "  promptyard guard backtest --policy candidate.json --from 2026-12-01 --samples 20 --output json"
    })
final class GuardBacktestCommand extends PrintingCommand {

  @Option(
      names = "--policy",
      required = true,
      paramLabel = "FILE",
      description = "the candidate guard policy (JSON, as for guard policy set --file)")
  Path policyFile;

  @Option(
      names = "--from",
      paramLabel = "TIME",
      defaultValue = "24h",
      description =
          "replay requests produced at or after TIME: 2026-11-23T08:00:00Z, 2026-11-23, or 90m /"
              + " 6h / 2d ago (default: 24h)")
  String from;

  @Option(
      names = "--team",
      paramLabel = "TEAM",
      description =
          "the team whose requests to replay: its own ingress topics and its requests on the shared"
              + " ones (default: every team's)")
  String team;

  @Option(
      names = "--samples",
      paramLabel = "N",
      defaultValue = "5",
      description = "how many of the requests the policy acted on to show (default: 5)")
  int samples;

  @Mixin OutputOption output;

  @Mixin ConnectionOptions connection;

  @Override
  protected int run(PrintWriter out) throws Exception {
    if (samples < 0) {
      throw new IllegalArgumentException("--samples must be 0 or more, not " + samples);
    }
    GuardPolicy policy = GuardPolicy.read(policyFile);
    Instant since = FilterOptions.time("--from", from, connection.clock());
    GuardBacktest.Report report =
        new GuardBacktest(
                new Guard(policy),
                connection.topics(),
                JsonIngress.limitedTo(connection.requestLimits()))
            .run(connection.clients(), connection.kafkaClientConfig(), since, team, samples, err());
    if (output.json()) {
      output.document(out, document(report, since));
    } else {
      text(out, report, since);
    }
    return 0;
  }

  private Map<String, Object> document(GuardBacktest.Report r, Instant since) {
    Map<String, Object> doc = new LinkedHashMap<>();
    doc.put("policy", policyFile.toString());
    doc.put("from", since.toString());
    doc.put("team", team);
    doc.put("topics", r.topics());
    doc.put("records", r.records());
    doc.put("requests", r.requests());
    doc.put("other_teams", r.otherTeams());
    doc.put("templated", r.templated());
    doc.put("decisions", r.decisions());
    doc.put(
        "verdicts",
        r.verdicts().stream()
            .map(
                v ->
                    ordered(
                        "detector", v.detector().policyName(),
                        "action", v.action().policyName(),
                        "requests", v.requests(),
                        "findings", v.findings()))
            .toList());
    doc.put(
        "skipped",
        r.skipped().stream()
            .map(
                s ->
                    ordered(
                        "kind",
                        s.kind(),
                        "count",
                        s.count(),
                        "first",
                        s.first(),
                        "reason",
                        s.reason()))
            .toList());
    doc.put("samples", r.samples().stream().map(GuardBacktestCommand::sample).toList());
    return doc;
  }

  /** A JSON object of these names and values, in this order. */
  private static Map<String, Object> ordered(Object... namesAndValues) {
    Map<String, Object> m = new LinkedHashMap<>();
    for (int i = 0; i < namesAndValues.length; i += 2) {
      m.put((String) namesAndValues[i], namesAndValues[i + 1]);
    }
    return m;
  }

  private static Map<String, Object> sample(GuardBacktest.Sample s) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("at", s.at());
    m.put("timestamp", s.timestamp().toString());
    m.put("id", s.id());
    m.put("team", s.team());
    m.put("decision", s.decision());
    m.put(
        "findings",
        s.findings().stream()
            .map(
                f -> {
                  Map<String, Object> o = new LinkedHashMap<>();
                  o.put("text", f.text());
                  o.put("detector", f.detector());
                  o.put("type", f.type());
                  o.put("start", f.start());
                  o.put("end", f.end());
                  o.put("score", f.score());
                  o.put("action", f.action());
                  return o;
                })
            .toList());
    m.put("texts", s.texts());
    return m;
  }

  private void text(PrintWriter out, GuardBacktest.Report r, Instant since) {
    out.printf(
        Locale.ROOT,
        "policy %s over %d requests%s since %s, read from %s%n",
        policyFile,
        r.requests(),
        team == null ? "" : " of team " + team,
        since,
        r.topics().isEmpty() ? "no ingress topic" : String.join(", ", r.topics()));
    out.printf(
        Locale.ROOT,
        "%d records read; %d skipped; %d of other teams%s%n",
        r.records(),
        r.skippedCount(),
        r.otherTeams(),
        r.templated() == 0
            ? ""
            : "; " + r.templated() + " named a template and were inspected as written");
    out.println();
    out.printf(Locale.ROOT, "%-10s %10s%n", "DECISION", "REQUESTS");
    r.decisions().forEach((d, n) -> out.printf(Locale.ROOT, "%-10s %10d%n", d, n));
    out.println();
    if (r.verdicts().isEmpty()) {
      out.println("no detector found anything");
    } else {
      out.printf(Locale.ROOT, "%-10s %-7s %10s %10s%n", "DETECTOR", "ACTION", "REQUESTS", "FOUND");
      for (GuardBacktest.DetectorCount v : r.verdicts()) {
        out.printf(
            Locale.ROOT,
            "%-10s %-7s %10d %10d%n",
            v.detector().policyName(),
            v.action().policyName(),
            v.requests(),
            v.findings());
      }
    }
    for (GuardBacktest.Skipped s : r.skipped()) {
      out.printf(
          Locale.ROOT,
          "skipped %d %s record%s (first at %s: %s)%n",
          s.count(),
          s.kind(),
          s.count() == 1 ? "" : "s",
          s.first(),
          s.reason());
    }
    if (!r.samples().isEmpty()) {
      out.println();
      out.println("samples (each value found shown as its type):");
      for (GuardBacktest.Sample s : r.samples()) {
        out.printf(
            Locale.ROOT,
            "- %s at %s, id %s, team %s: %s — %s%n",
            s.decision(),
            s.at(),
            s.id(),
            s.team(),
            s.timestamp(),
            String.join(
                ", ",
                s.findings().stream()
                    .map(
                        f ->
                            f.type()
                                + " ("
                                + f.detector()
                                + " "
                                + f.action()
                                + ", text "
                                + f.text()
                                + " "
                                + f.start()
                                + "-"
                                + f.end()
                                + ")")
                    .toList()));
        List<String> texts = s.texts();
        for (int i = 0; i < texts.size(); i++) {
          out.printf(Locale.ROOT, "    [%d] %s%n", i, texts.get(i));
        }
      }
    }
  }
}
