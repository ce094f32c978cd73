package io.promptyard.cli.audit;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.promptyard.cli.ConnectedCommand;
import io.promptyard.cli.dlq.FilterOptions;
import io.promptyard.schemas.AuditEvent;
import io.promptyard.schemas.serde.AvroSerde;
import io.promptyard.schemas.serde.UndecodableRecordException;
import io.promptyard.schemas.topics.TopicAssignment;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
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

  private static final ObjectMapper JSON = new ObjectMapper();

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
        out.println(JSON.writeValueAsString(toJson(e)));
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
    ObjectNode o = JSON.createObjectNode();
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
    Map<String, Object> config =
        connection
            .kafkaProperties()
            .clientConfig(
                Map.of(
                    ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG,
                    false,
                    ConsumerConfig.ISOLATION_LEVEL_CONFIG,
                    "read_committed",
                    "default.api.timeout.ms",
                    15_000));
    String topic = connection.topics().audit();
    AvroSerde<AuditEvent> serde = AvroSerde.of(AuditEvent.class);
    List<AuditEvent> events = new ArrayList<>();
    try (KafkaConsumer<String, byte[]> consumer =
        new KafkaConsumer<>(config, new StringDeserializer(), new ByteArrayDeserializer())) {
      List<TopicPartition> partitions =
          TopicAssignment.fromBeginning(consumer, topic, config.get("bootstrap.servers"));
      Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
      while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p))) {
        for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(200))) {
          if (r.value() == null
              || r.offset() >= end.get(new TopicPartition(r.topic(), r.partition()))) {
            continue;
          }
          try {
            events.add(serde.decode(r.value()));
          } catch (UndecodableRecordException e) {
            err().println("skipped an unreadable record at " + r.partition() + "@" + r.offset());
          }
        }
      }
    }
    return events;
  }
}
