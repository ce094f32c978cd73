package io.promptyard.cli.dlq;

import io.promptyard.cli.CatalogOption;
import io.promptyard.cli.CommandGroup;
import io.promptyard.cli.ConnectedCommand;
import io.promptyard.cli.OperatorAction;
import io.promptyard.cli.OutputOption;
import io.promptyard.cli.TerminalText;
import io.promptyard.router.validation.RequestValidator;
import io.promptyard.schemas.DeadLetter;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code promptyard dlq list|show|replay}: inspect the dead-letter topic and send letters back into
 * processing.
 */
@Command(
    name = "dlq",
    mixinStandardHelpOptions = true,
    description = "Inspect the dead-letter topic and replay dead letters.",
    subcommands = {DlqCommand.ListLetters.class, DlqCommand.Show.class, DlqCommand.Replay.class},
    footer = {
      "",
      "Examples:",
      "  promptyard dlq list --code AUTHENTICATION --since 6h",
      "  promptyard dlq show 0@17",
      "  promptyard dlq replay --provider openai --code RATE_LIMITED --dry-run",
      "  promptyard dlq replay --id nightly:req-7 --to-provider anthropic --set max_tokens=512"
    })
public final class DlqCommand extends CommandGroup {

  /** {@code dlq list}: one line per dead letter. */
  @Command(
      name = "list",
      mixinStandardHelpOptions = true,
      description = {
        "List dead letters, oldest first: position (partition@offset), when, error code, provider, team,",
        "request id and the reason. Reading the topic moves no consumer group.",
        "",
        "JSON: {\"dead_letters\": [{position, dead_lettered_at, code, provider, team, request_id, reason}],",
        "\"matched\", \"shown\", \"unreadable\"}; provider, team and request_id are null where unknown."
      },
      footer = {
        "",
        "Examples:",
        "  promptyard dlq list",
        "  promptyard dlq list --code RATE_LIMITED,OVERLOADED --provider openai",
        "  promptyard dlq list --team search --since 2026-11-23 --until 2026-11-24",
        "  promptyard dlq list --since 90m --limit 20",
        "  promptyard dlq list --output json | jq -r '.dead_letters[].request_id'"
      })
  static final class ListLetters extends ConnectedCommand {
    @Mixin FilterOptions filters;

    @Option(names = "--limit", paramLabel = "N", description = "print at most N, the newest ones")
    Integer limit;

    @Mixin OutputOption output;

    @Override
    protected void execute(PrintWriter out) {
      DeadLetterReader.Letters read =
          DeadLetterReader.read(connection, filters.filter(connection.clock()));
      List<LetterOnTopic> letters = read.letters();
      if (limit != null && letters.size() > limit) {
        letters = letters.subList(letters.size() - limit, letters.size());
      }
      if (output.json()) {
        Map<String, Object> document = new LinkedHashMap<>();
        document.put("dead_letters", letters.stream().map(ListLetters::row).toList());
        document.put("matched", read.letters().size());
        document.put("shown", letters.size());
        document.put("unreadable", read.unreadable());
        output.document(out, document);
        return;
      }
      out.printf(
          "%-10s %-24s %-18s %-12s %-14s %-30s %s%n",
          "POSITION", "DEAD-LETTERED", "CODE", "PROVIDER", "TEAM", "REQUEST", "REASON");
      for (LetterOnTopic l : letters) {
        DeadLetter d = l.letter();
        out.printf(
            "%-10s %-24s %-18s %-12s %-14s %-30s %s%n",
            l.position(),
            d.getDeadLetteredAt(),
            d.getErrorCode(),
            dash(d.getProvider()),
            dash(d.getTeam()),
            dash(l.requestId()),
            oneLine(d.getErrorMessage(), 120));
      }
      out.flush();
      err()
          .println(
              read.letters().size()
                  + " dead letter(s) match"
                  + (limit != null && read.letters().size() > limit ? ", " + limit + " shown" : "")
                  + (read.unreadable() > 0
                      ? "; " + read.unreadable() + " record(s) were not dead letters"
                      : ""));
    }

    /** A dead letter as {@code --output json} prints it: the whole reason, no dashes. */
    private static Map<String, Object> row(LetterOnTopic l) {
      DeadLetter d = l.letter();
      Map<String, Object> row = new LinkedHashMap<>();
      row.put("position", l.position());
      row.put("dead_lettered_at", String.valueOf(d.getDeadLetteredAt()));
      row.put("code", String.valueOf(d.getErrorCode()));
      row.put("provider", d.getProvider());
      row.put("team", d.getTeam());
      row.put("request_id", l.requestId());
      row.put("reason", d.getErrorMessage());
      return row;
    }
  }

  /** {@code dlq show}: everything a dead letter holds. */
  @Command(
      name = "show",
      mixinStandardHelpOptions = true,
      description = {
        "Show dead letters in full, one JSON object each: the error, the attempts, the origin topic,",
        "the original record's key, headers and value (decoded when it is a Promptyard record or JSON)."
      },
      footer = {
        "",
        "Examples:",
        "  promptyard dlq show 0@17",
        "  promptyard dlq show --id nightly:req-7",
        "  promptyard dlq show --code CONTENT_POLICY --team search"
      })
  static final class Show extends ConnectedCommand {
    @Mixin FilterOptions filters;

    @Override
    protected void execute(PrintWriter out) throws Exception {
      DeadLetterFilter filter = filters.filter(connection.clock());
      if (filter.isEmpty()) {
        throw new IllegalArgumentException(
            "say which dead letters: a POSITION, --id or another filter (dlq list shows them all)");
      }
      List<LetterOnTopic> letters = DeadLetterReader.read(connection, filter).letters();
      if (letters.isEmpty()) {
        throw new IllegalArgumentException("no dead letter matches");
      }
      for (LetterOnTopic l : letters) {
        out.println(DeadLetterJson.pretty(l));
      }
    }
  }

  /** {@code dlq replay}: sends dead letters back through the router. */
  @Command(
      name = "replay",
      mixinStandardHelpOptions = true,
      description = {
        "Send dead letters back through the router, which validates, budget-gates and routes them afresh.",
        "A worker's letter goes to the replay topic (only operators may write it) as its request, marked",
        "promptyard-replay=<dlq topic>/<partition@offset> at <time>, so that workers run the id again unless it",
        "already succeeded; a router's letter goes back to the ingress topic it came from. A replay keeps its",
        "request id and key. --to-provider pins the request to that provider's model (the router still checks it);",
        "--set values are checked as ingress checks them. Every selected letter is checked before anything is published."
      },
      footer = {
        "",
        "Examples:",
        "  promptyard dlq replay 0@17 1@4",
        "  promptyard dlq replay --code RATE_LIMITED,OVERLOADED --since 2h --dry-run",
        "  promptyard dlq replay --provider openai --to-provider anthropic --model claude-haiku-4-5",
        "  promptyard dlq replay --id nightly:req-7 --set max_tokens=512 --set temperature=0",
        "  promptyard dlq replay --all --dry-run"
      })
  static final class Replay extends OperatorAction {
    @Mixin FilterOptions filters;

    @Option(names = "--all", description = "every dead letter, when no filter is given")
    boolean all;

    @Option(
        names = "--to-provider",
        paramLabel = "PROVIDER",
        description =
            "pin the request to this provider (the router checks the pin like any request's)")
    String provider;

    @Option(
        names = "--model",
        paramLabel = "MODEL",
        description =
            "with --to-provider: the model there (default: the job's own "
                + "model, or the provider's entry in the job's fallback chain)")
    String model;

    @Option(
        names = "--set",
        paramLabel = "NAME=VALUE",
        description =
            "change a request parameter: "
                + "max_tokens, temperature, top_p, seed, stop (comma-separated), tool_choice")
    List<String> overrides = new ArrayList<>();

    @Option(names = "--dry-run", description = "print what would be published, publish nothing")
    boolean dryRun;

    @Mixin CatalogOption catalog;

    @Override
    protected boolean changesSomething() {
      return !dryRun;
    }

    @Override
    protected String act(PrintWriter out) throws Exception {
      if (model != null && provider == null) {
        throw new IllegalArgumentException("--model needs --to-provider");
      }
      RequestValidator validator = new RequestValidator(connection.requestLimits());
      ParameterOverrides changes = ParameterOverrides.parse(overrides, validator);
      DeadLetterFilter filter = filters.filter(connection.clock());
      if (filter.isEmpty() && !all) {
        throw new IllegalArgumentException(
            "say which dead letters to replay: a POSITION, a filter (--code, --provider, --team, "
                + "--since, --until, --id), or --all");
      }
      ReplayPlan.Target target =
          provider == null
              ? new ReplayPlan.RouterDecides()
              : new ReplayPlan.ToProvider(provider, Optional.ofNullable(model));
      ReplayPlan plan =
          new ReplayPlan(connection.topics(), catalog.load(), validator, connection.clock());
      List<LetterOnTopic> letters = DeadLetterReader.read(connection, filter).letters();
      List<ReplayPlan.Replay> replays =
          letters.stream().map(l -> plan.plan(l, target, changes)).toList();
      if (!dryRun) {
        publish(replays);
      }
      for (ReplayPlan.Replay r : replays) {
        out.println(
            (dryRun ? "would replay " : "replayed ")
                + r.source().position()
                + " (request "
                + r.source().requestId()
                + ", "
                + r.source().letter().getErrorCode()
                + ") "
                + r.description());
      }
      String outcome =
          dryRun
              ? "dry run: "
                  + replays.size()
                  + " dead letter(s) would be replayed; nothing was published"
              : replays.size() + " dead letter(s) replayed";
      out.println(outcome);
      return outcome;
    }

    private void publish(List<ReplayPlan.Replay> replays) throws Exception {
      aboutToAct();
      TreeSet<String> missing =
          replays.stream()
              .map(r -> r.record().topic())
              .collect(Collectors.toCollection(TreeSet::new));
      try (Admin admin = Admin.create(connection.kafkaClientConfig())) {
        missing.removeAll(admin.listTopics().names().get());
      }
      if (!missing.isEmpty()) {
        throw new IllegalArgumentException(
            "topic "
                + missing.first()
                + " does not exist, so nothing was replayed; is the router running? "
                + "(promptyard topics create makes the topics)");
      }
      Map<String, Object> config = new java.util.HashMap<>(connection.kafkaClientConfig());
      config.remove("default.api.timeout.ms");
      config.put(ProducerConfig.ACKS_CONFIG, "all");
      config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
      config.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 15_000);
      try (KafkaProducer<byte[], byte[]> producer =
          new KafkaProducer<>(config, new ByteArraySerializer(), new ByteArraySerializer())) {
        List<Future<RecordMetadata>> sent = new ArrayList<>();
        for (ReplayPlan.Replay r : replays) {
          sent.add(producer.send(r.record()));
        }
        for (int i = 0; i < sent.size(); i++) {
          try {
            sent.get(i).get();
          } catch (ExecutionException e) {
            throw new IllegalStateException(
                i
                    + " of "
                    + sent.size()
                    + " dead letters replayed; Kafka refused "
                    + replays.get(i).source().position()
                    + ": "
                    + e.getCause().getMessage(),
                e.getCause());
          }
        }
      }
    }
  }

  private static String dash(String s) {
    return s == null || s.isEmpty() ? "-" : TerminalText.oneLine(s, 200);
  }

  private static String oneLine(String s, int max) {
    return TerminalText.oneLine(s, max);
  }
}
