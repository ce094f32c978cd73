package io.promptyard.cli.audit;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.promptyard.cli.ConnectedCommand;
import io.promptyard.cli.JsonLines;
import io.promptyard.cli.TopicScan;
import io.promptyard.cli.dlq.FilterOptions;
import io.promptyard.schemas.AuditEvent;
import io.promptyard.schemas.serde.AvroSerde;
import io.promptyard.schemas.serde.UndecodableRecordException;
import java.io.PrintWriter;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code promptyard audit}: lists the operator actions on the audit topic, oldest first, read
 * without a consumer group.
 */
@Command(
    name = "audit",
    mixinStandardHelpOptions = true,
    description = {
      "List operator actions from the audit topic, oldest first: when, OS user, Kafka principal, command,",
      "whether it succeeded, its outcome and its arguments (secrets hidden)."
    },
    footer = {
      "",
      "Examples:",
      "  promptyard audit --since 24h",
      "  promptyard audit --command 'dlq replay' --json"
    })
public final class AuditCommand extends ConnectedCommand {

  @Option(
      names = "--since",
      paramLabel = "TIME",
      description =
          "actions at or after TIME: 2026-11-23T08:00:00Z, 2026-11-23, or 90m / 6h / 2d ago")
  String since;

  @Option(
      names = "--command",
      paramLabel = "COMMAND",
      description = "only this command, e.g. 'dlq replay', or a group, e.g. templates")
  String command;

  @Option(names = "--json", description = "one JSON object per line instead of a table")
  boolean json;

  @Override
  protected void execute(PrintWriter out) throws Exception {
    Instant from =
        since == null ? Instant.EPOCH : FilterOptions.time("--since", since, connection.clock());
    List<AuditEvent> events =
        read().stream()
            .filter(e -> !e.getAt().isBefore(from))
            .filter(
                e ->
                    command == null
                        || e.getCommand().equals(command)
                        || e.getCommand().startsWith(command + " "))
            .sorted(Comparator.comparing(AuditEvent::getAt))
            .toList();
    if (json) {
      for (AuditEvent e : events) {
        JsonLines.print(out, toJson(e));
      }
      return;
    }
    String format = "%-24s %-12s %-28s %-18s %-6s %s%n";
    out.printf(format, "AT", "OS-USER", "PRINCIPAL", "COMMAND", "OK", "OUTCOME | ARGUMENTS");
    for (AuditEvent e : events) {
      out.printf(
          format,
          e.getAt(),
          e.getOsUser(),
          e.getPrincipal(),
          e.getCommand(),
          e.getSucceeded() ? "ok" : "FAILED",
          e.getOutcome() + " | " + String.join(" ", e.getArguments()));
    }
    err().println(events.size() + " action(s)");
  }

  private static ObjectNode toJson(AuditEvent e) {
    ObjectNode o = JsonNodeFactory.instance.objectNode();
    o.put("id", e.getId());
    o.put("at", e.getAt().toString());
    o.put("os_user", e.getOsUser());
    o.put("principal", e.getPrincipal());
    o.put("command", e.getCommand());
    e.getArguments().forEach(o.putArray("arguments")::add);
    o.put("succeeded", e.getSucceeded());
    o.put("outcome", e.getOutcome());
    return o;
  }

  /** Every audit record, from the beginning to the end offsets seen at the start. */
  private List<AuditEvent> read() {
    AvroSerde<AuditEvent> serde = AvroSerde.of(AuditEvent.class);
    List<AuditEvent> events = new ArrayList<>();
    TopicScan.read(
        connection.kafkaProperties().clientConfig(Map.of("default.api.timeout.ms", 15_000)),
        connection.topics().audit(),
        r -> {
          if (r.value() == null) {
            return;
          }
          try {
            events.add(serde.decode(r.value()));
          } catch (UndecodableRecordException e) {
            err().println("skipped an unreadable record at " + r.partition() + "@" + r.offset());
          }
        });
    return events;
  }
}
