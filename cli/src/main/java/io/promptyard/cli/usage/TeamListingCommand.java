package io.promptyard.cli.usage;

import io.promptyard.cli.ConnectedCommand;
import io.promptyard.cli.OutputOption;
import java.io.PrintWriter;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.apache.avro.specific.SpecificRecord;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/**
 * A {@code show} command listing a compacted topic of per-team records ({@code budget show}, {@code
 * quota show}): the latest record of each key, only one team's when a {@code TEAM} is given, as an
 * aligned table under a heading or, with {@code --output json}, one document holding a list of
 * rows.
 *
 * @param <V> the records on the topic
 */
abstract class TeamListingCommand<V extends SpecificRecord> extends ConnectedCommand {

  @Parameters(paramLabel = "TEAM", arity = "0..1", description = "only this team")
  String team;

  @Mixin OutputOption output;

  private final Class<V> type;
  private final Function<V, String> teamOf;
  private final String documentField;
  private final String format;
  private final Object[] headings;

  /**
   * @param type the records' type
   * @param teamOf the team a record is for, which {@code TEAM} selects
   * @param documentField the JSON document's one field, holding the list of rows
   * @param format the table's format, one {@code %s} (with width and alignment) a column
   * @param headings the table's heading, one a column
   */
  TeamListingCommand(
      Class<V> type,
      Function<V, String> teamOf,
      String documentField,
      String format,
      String... headings) {
    this.type = type;
    this.teamOf = teamOf;
    this.documentField = documentField;
    this.format = format;
    this.headings = headings.clone();
  }

  /** The compacted topic the records are read from. */
  protected abstract String topic();

  /**
   * What to check when the topic does not exist, for the error message: by default, whether the
   * usage aggregator runs.
   */
  protected String whenMissing() {
    return CompactedTopic.IS_THE_AGGREGATOR_RUNNING;
  }

  /** A record's cells in the table, one a column. */
  protected abstract Object[] cells(V record);

  /** A record as {@code --output json} prints it, its fields in order. */
  protected abstract Map<String, Object> row(V record);

  @Override
  protected final void execute(PrintWriter out) {
    List<V> shown =
        CompactedTopic.latest(
                connection.clients(), connection.kafkaProperties(), topic(), type, whenMissing())
            .values()
            .stream()
            .filter(r -> team == null || team.equals(teamOf.apply(r)))
            .toList();
    if (output.json()) {
      output.document(out, Map.of(documentField, shown.stream().map(this::row).toList()));
      return;
    }
    out.printf(format, headings);
    shown.forEach(r -> out.printf(format, cells(r)));
  }
}
