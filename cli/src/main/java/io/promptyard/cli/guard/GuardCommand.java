package io.promptyard.cli.guard;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.promptyard.cli.CommandGroup;
import io.promptyard.cli.ConnectionOptions;
import io.promptyard.cli.JsonLines;
import io.promptyard.cli.PrintingCommand;
import io.promptyard.cli.usage.CompactedTopic;
import io.promptyard.guardrails.Action;
import io.promptyard.guardrails.Guard;
import io.promptyard.guardrails.GuardPolicy;
import io.promptyard.guardrails.GuardVerdict;
import io.promptyard.guardrails.eval.GuardEvaluation;
import io.promptyard.router.guard.GuardSetting;
import java.io.BufferedReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code promptyard guard}: run the guardrails' detectors on a file, and measure them. */
@Command(
    name = "guard",
    mixinStandardHelpOptions = true,
    description =
        "Guardrails: set and show teams' guard policies, check a JSONL file against a guard policy, backtest a candidate policy on the requests retained on the ingress topics, or measure the detectors on the shipped evaluation sets.",
    subcommands = {
      GuardPolicyCommand.class,
      GuardCommand.Check.class,
      GuardBacktestCommand.class,
      GuardCommand.Eval.class
    },
    footer = {
      "",
      "Examples:",
      "  promptyard guard policy set --team support --pii redact --injection block --injection-threshold 0.8",
      "  promptyard guard check prompts.jsonl --policy examples/guard-policy.json",
      "  promptyard guard check prompts.jsonl --team support",
      "  promptyard guard backtest --policy candidate.json --from 24h --team support",
      "  promptyard guard eval"
    })
public final class GuardCommand extends CommandGroup {

  /** Prints one verdict per line of a JSONL file. */
  @Command(
      name = "check",
      mixinStandardHelpOptions = true,
      description = {
        "Print one JSON verdict per line of FILE.jsonl: each finding's type, span and score, the action,",
        "and the text after redaction. Lines are {\"id\": …, \"text\": …} or chat-completions bodies",
        "({\"messages\": […]}); a bad line gets an error object and the run goes on. Detected values are",
        "never printed but inside a flagged detector's text.",
        "With --team, the policy is the one the router applies to the team's requests: its record on",
        "the guard-policies topic over the default (--policy FILE, else PROMPTYARD_GUARD_POLICY); which",
        "policy was used is said on standard error."
      },
      footer = {
        "",
        "Exit status: 0 when every line was read, 1 when some were not.",
        "",
        "Examples:",
        "  promptyard guard check prompts.jsonl",
        "  promptyard guard check prompts.jsonl --policy examples/guard-policy.json",
        "  promptyard guard check prompts.jsonl --team support"
      })
  static final class Check extends PrintingCommand {
    @Parameters(paramLabel = "FILE.jsonl", description = "the lines to check")
    Path file;

    @Option(
        names = "--policy",
        paramLabel = "FILE",
        description =
            "a guard policy (JSON); without it, the default policy (docs/GUARDRAILS.md), or with"
                + " --team the router's default (PROMPTYARD_GUARD_POLICY)")
    Path policyFile;

    @Option(
        names = "--team",
        paramLabel = "TEAM",
        description =
            "check with the policy the router applies to this team: its record on the"
                + " guard-policies topic (read from Kafka) over the default")
    String team;

    @Mixin ConnectionOptions connection;

    @Override
    protected int run(PrintWriter out) throws Exception {
      Guard guard = new Guard(team == null ? fileOrDefault() : teamPolicy());
      int bad = 0;
      try (BufferedReader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
        int lineNumber = 0;
        for (String line = reader.readLine(); line != null; line = reader.readLine()) {
          lineNumber++;
          if (line.isBlank()) {
            continue;
          }
          ObjectNode verdict;
          try {
            GuardInput input = GuardInput.parse(line, lineNumber);
            verdict =
                GuardVerdictJson.of(
                    input,
                    guard.inspect(
                        input.segments().stream().map(GuardInput.Segment::text).toList()));
          } catch (GuardInput.BadLine e) {
            bad++;
            verdict = JsonNodeFactory.instance.objectNode();
            verdict.put("line", lineNumber).put("error", e.getMessage());
          }
          JsonLines.print(out, verdict);
        }
      }
      return bad == 0 ? 0 : 1;
    }

    private GuardPolicy fileOrDefault() throws java.io.IOException {
      return policyFile == null ? GuardPolicy.DEFAULT : GuardPolicy.read(policyFile);
    }

    /** The router's policy for {@link #team}, said on standard error. */
    private GuardPolicy teamPolicy() throws java.io.IOException {
      GuardSetting defaults =
          policyFile == null
              ? connection.guardSetting()
              : new GuardSetting(policyFile.toString(), Optional.of(GuardPolicy.read(policyFile)));
      if (defaults.policy().isEmpty()) {
        throw new IllegalArgumentException(
            GuardSetting.KEY.name()
                + " is off: the router inspects no request, team policies included;"
                + " --policy FILE checks against a policy of your choice");
      }
      String topic = connection.topics().guardPolicies();
      byte[] record =
          CompactedTopic.latestBytes(
                  connection.clients(),
                  connection.kafkaProperties(),
                  topic,
                  "promptyard topics create, or the router's start, creates it")
              .get(team);
      TeamGuard applied = TeamGuard.of(defaults, team, record);
      err().println("policy: " + applied.source() + " (read from " + topic + ")");
      err().flush();
      return applied.policy();
    }
  }

  /** Precision and recall per detector on the shipped evaluation sets. */
  @Command(
      name = "eval",
      mixinStandardHelpOptions = true,
      description = {
        "Measure each detector's precision and recall on the labelled sets shipped with the guardrails",
        "module (384 PII cases with hard negatives, 300 prompts: half injections, half benign), and the",
        "injection detector on 40 hand-written prompts it was never tuned on (injection-holdout).",
        "One line per detector, then the figures as one JSON object on the last line."
      },
      footer = {
        "",
        "Examples:",
        "  promptyard guard eval",
        "  promptyard guard eval --threshold 0.4"
      })
  static final class Eval extends PrintingCommand {
    @Option(
        names = "--threshold",
        paramLabel = "SCORE",
        description =
            "the injection score that counts as an injection (default: the default policy's, 0.5)")
    double threshold = GuardPolicy.DEFAULT.injectionThreshold();

    @Override
    protected int run(PrintWriter out) throws Exception {
      GuardEvaluation.Report report = GuardEvaluation.run(threshold);
      ObjectNode figures = JsonNodeFactory.instance.objectNode();
      figures
          .put("pii_cases", report.piiCases())
          .put("injection_cases", report.injectionCases())
          .put("holdout_cases", report.holdoutCases());
      figures.put("injection_threshold", threshold);
      for (Map.Entry<String, GuardEvaluation.Score> e : report.scores().entrySet()) {
        GuardEvaluation.Score s = e.getValue();
        out.printf(
            Locale.ROOT,
            "%-10s precision %.3f  recall %.3f  (tp %d, fp %d, fn %d)%s%n",
            e.getKey(),
            s.precision(),
            s.recall(),
            s.truePositives(),
            s.falsePositives(),
            s.falseNegatives(),
            s.mistakes().isEmpty() ? "" : "  wrong: " + String.join(", ", s.mistakes()));
        figures
            .putObject(e.getKey())
            .put("precision", round(s.precision()))
            .put("recall", round(s.recall()))
            .put("tp", s.truePositives())
            .put("fp", s.falsePositives())
            .put("fn", s.falseNegatives());
      }
      JsonLines.print(out, figures);
      return 0;
    }

    private static double round(double x) {
      return Math.round(x * 1000) / 1000.0;
    }
  }

  /** The JSON of a verdict: findings with spans and placeholders, never a detected value. */
  static final class GuardVerdictJson {
    private GuardVerdictJson() {}

    static ObjectNode of(GuardInput input, GuardVerdict verdict) {
      ObjectNode out = JsonNodeFactory.instance.objectNode();
      out.put("id", input.id());
      out.put(
          "decision", verdict.decision() == Action.OFF ? "allow" : verdict.decision().policyName());
      ArrayNode verdicts = out.putArray("verdicts");
      for (GuardVerdict.DetectorVerdict v : verdict.verdicts()) {
        verdicts
            .addObject()
            .put("detector", v.detector().policyName())
            .put("action", v.action().policyName())
            .put("count", v.count())
            .put("score", v.score());
      }
      ArrayNode messages = out.putArray("messages");
      for (int i = 0; i < input.segments().size(); i++) {
        GuardInput.Segment segment = input.segments().get(i);
        GuardVerdict.MessageVerdict m = verdict.messages().get(i);
        ObjectNode message = messages.addObject();
        message.put("index", segment.message()).put("role", segment.role());
        if (segment.part() != null) {
          message.put("part", segment.part());
        }
        if (segment.toolCall() != null) {
          message.put("tool_call", segment.toolCall());
        }
        if (m.injection() != null) {
          message.put("injection_score", m.injection().score());
          ArrayNode signals = message.putArray("injection_signals");
          m.injection().signals().forEach(signals::add);
        }
        ArrayNode findings = message.putArray("findings");
        for (GuardVerdict.AppliedFinding a : m.findings()) {
          ObjectNode f =
              findings
                  .addObject()
                  .put("detector", a.finding().detector().policyName())
                  .put("type", a.finding().type())
                  .put("start", a.finding().start())
                  .put("end", a.finding().end())
                  .put("score", a.finding().score())
                  .put("action", a.action().policyName());
          if (a.placeholder() != null) {
            f.put("placeholder", a.placeholder());
          }
        }
        message.put("redacted_text", m.redactedText());
      }
      return out;
    }
  }
}
