package io.promptyard.cli.guard;

import io.promptyard.cli.ConnectedCommand;
import io.promptyard.cli.OutputOption;
import io.promptyard.cli.usage.CompactedTopic;
import io.promptyard.guardrails.Detector;
import io.promptyard.guardrails.GuardPolicy;
import io.promptyard.router.guard.TeamPolicies;
import io.promptyard.schemas.TeamGuardPolicy;
import io.promptyard.schemas.serde.AvroSerde;
import io.promptyard.schemas.serde.UndecodableRecordException;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code promptyard guard policy show [--team T] [--output json]}: what each team's own guard
 * policy sets, and why the router ignores a record it cannot use.
 */
@Command(
    name = "show",
    mixinStandardHelpOptions = true,
    description = {
      "Print each team's own guard policy: what it sets ('-': the router's default policy), and why a",
      "record the router cannot use is ignored (its team gets the default policy).",
      "",
      "JSON: {\"policies\": [{team, detectors (detector: action, only those set), injection_threshold",
      "(null: default), phone_region (null: default), output_moderation (null: default), restore (null: default), updated_at,",
      "problem (null: usable)}]}."
    },
    footer = {
      "",
      "Examples:",
      "  promptyard guard policy show",
      "  promptyard guard policy show --team support --output json"
    })
public final class GuardPolicyShowCommand extends ConnectedCommand {

  private static final AvroSerde<TeamGuardPolicy> SERDE = AvroSerde.of(TeamGuardPolicy.class);

  @Option(names = "--team", paramLabel = "TEAM", description = "only this team")
  String team;

  @Mixin OutputOption output;

  @Override
  protected void execute(PrintWriter out) {
    Map<String, byte[]> raw =
        CompactedTopic.latestBytes(
            connection.clients(),
            connection.kafkaProperties(),
            connection.topics().guardPolicies(),
            "promptyard topics create, or the router's start, creates it");
    List<Map<String, Object>> rows = new ArrayList<>();
    raw.forEach(
        (key, value) -> {
          if (team == null || team.equals(key)) {
            rows.add(row(key, value));
          }
        });
    if (output.json()) {
      output.document(out, Map.of("policies", rows));
      return;
    }
    if (rows.isEmpty()) {
      out.println(
          team == null
              ? "no team has a guard policy of its own: every team gets the router's default policy"
              : "team "
                  + team
                  + " has no guard policy of its own: the router's default policy applies");
      return;
    }
    StringBuilder format = new StringBuilder("%-16s");
    List<Object> header = new ArrayList<>(List.of("team"));
    for (Detector d : Detector.values()) {
      format.append(" %-9s");
      header.add(d.policyName());
    }
    format.append(" %-9s %-6s %-7s %-7s %s%n");
    header.addAll(List.of("threshold", "region", "output", "restore", "updated (UTC)"));
    out.printf(format.toString(), header.toArray());
    for (Map<String, Object> row : rows) {
      if (row.get("problem") != null) {
        out.printf(
            "%-16s ignored, the default policy applies: %s%n", row.get("team"), row.get("problem"));
        continue;
      }
      @SuppressWarnings("unchecked")
      Map<String, String> detectors = (Map<String, String>) row.get("detectors");
      List<Object> cells = new ArrayList<>(List.of(row.get("team")));
      for (Detector d : Detector.values()) {
        cells.add(detectors.getOrDefault(d.policyName(), "-"));
      }
      cells.add(row.get("injection_threshold") == null ? "-" : row.get("injection_threshold"));
      cells.add(row.get("phone_region") == null ? "-" : row.get("phone_region"));
      cells.add(row.get("output_moderation") == null ? "-" : row.get("output_moderation"));
      cells.add(row.get("restore") == null ? "-" : row.get("restore"));
      cells.add(row.get("updated_at"));
      out.printf(format.toString(), cells.toArray());
    }
  }

  /** One team's record as {@code --output json} prints it; an unusable one says why. */
  private static Map<String, Object> row(String key, byte[] value) {
    Map<String, Object> row = new LinkedHashMap<>();
    row.put("team", key);
    TeamGuardPolicy policy;
    try {
      policy = SERDE.decode(value);
    } catch (UndecodableRecordException e) {
      row.put("detectors", Map.of());
      row.put("injection_threshold", null);
      row.put("phone_region", null);
      row.put("output_moderation", null);
      row.put("restore", null);
      row.put("updated_at", null);
      row.put("problem", e.getMessage());
      return row;
    }
    row.put("detectors", new TreeMap<>(policy.getDetectors()));
    row.put("injection_threshold", policy.getInjectionThreshold());
    row.put("phone_region", policy.getPhoneRegion());
    row.put("output_moderation", policy.getOutputModeration());
    row.put("restore", policy.getRestore());
    row.put("updated_at", String.valueOf(policy.getUpdatedAt()));
    String problem = null;
    try {
      TeamPolicies.over(GuardPolicy.DEFAULT, key, policy);
    } catch (IllegalArgumentException e) {
      problem = e.getMessage();
    }
    row.put("problem", problem);
    return row;
  }
}
