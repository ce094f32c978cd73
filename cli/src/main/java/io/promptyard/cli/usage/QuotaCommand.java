package io.promptyard.cli.usage;

import io.promptyard.cli.CommandGroup;
import io.promptyard.cli.TeamRecordAction;
import io.promptyard.schemas.TeamQuota;
import io.promptyard.schemas.serde.AvroSerde;
import io.promptyard.worker.ratelimit.TeamQuotas;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code promptyard quota}: sets, clears or shows a team's requests- and tokens-per-minute quotas
 * (over all providers, or for one) and its weight when teams share a provider's limit.
 */
@Command(
    name = "quota",
    mixinStandardHelpOptions = true,
    description =
        "Set a team's requests- and tokens-per-minute quotas (for all providers, or one) and its fair-share weight; clear or show them.",
    subcommands = {QuotaCommand.Set.class, QuotaCommand.Clear.class, QuotaCommand.Show.class},
    footer = {
      "",
      "Examples:",
      "  promptyard quota set search --rpm 600 --tpm 200000 --weight 2",
      "  promptyard quota set search --provider openai --rpm 300",
      "  promptyard quota clear search --provider openai",
      "  promptyard quota show"
    })
public final class QuotaCommand extends CommandGroup {

  private static final AvroSerde<TeamQuota> SERDE = AvroSerde.of(TeamQuota.class);

  /** Who creates the quotas topic, for the message when it is missing. */
  private static final String CREATOR = "the worker's start";

  /** {@code promptyard quota set TEAM [--provider P] [--rpm N] [--tpm N] [--weight W]}. */
  @Command(
      name = "set",
      mixinStandardHelpOptions = true,
      description = {
        "Publish a team's quota to the quotas topic; every worker applies it within a second.",
        "A job over its team's quota waits for its turn (or, when that is further away than a job waits in place,",
        "on its provider's retry topic), as for a provider's limit; it is never dropped. The record replaces the",
        "team's (or the team and provider's) previous one: options not given are unset (0 = no quota)."
      },
      footer = {
        "",
        "Examples:",
        "  promptyard quota set search --rpm 600 --tpm 200000",
        "  promptyard quota set batch-jobs --weight 1 && promptyard quota set support --weight 4",
        "  promptyard quota set search --provider anthropic --tpm 50000"
      })
  public static final class Set extends TeamRecordAction {

    @Mixin TeamParameter target;

    @Option(
        names = "--provider",
        paramLabel = "PROVIDER",
        description =
            "the quota is for the team's calls to this provider (default: to all together)")
    String provider;

    @Option(
        names = "--rpm",
        paramLabel = "N",
        defaultValue = "0",
        description = "calls a minute, at most (0: no quota)")
    long requestsPerMinute;

    @Option(
        names = "--tpm",
        paramLabel = "N",
        defaultValue = "0",
        description = "input plus output tokens a minute, at most (0: no quota)")
    long tokensPerMinute;

    @Option(
        names = "--weight",
        paramLabel = "W",
        description =
            "the team's weight when teams wait for the same provider's limit (default 1; with --provider, for that provider)")
    Integer weight;

    @Override
    protected String act(PrintWriter out) throws Exception {
      String team = target.team();
      if (provider != null && provider.isBlank()) {
        throw new IllegalArgumentException("--provider must not be blank");
      }
      if (requestsPerMinute < 0 || tokensPerMinute < 0) {
        throw new IllegalArgumentException("--rpm and --tpm must be at least 0 (0: no quota)");
      }
      if (weight != null && (weight < 1 || weight > 1000)) {
        throw new IllegalArgumentException("--weight must be between 1 and 1000, not " + weight);
      }
      if (requestsPerMinute == 0 && tokensPerMinute == 0 && weight == null) {
        throw new IllegalArgumentException(
            "nothing to set: give --rpm, --tpm or --weight (quota clear removes a quota)");
      }
      TeamQuota quota =
          TeamQuota.newBuilder()
              .setTeam(team)
              .setProvider(provider)
              .setRequestsPerMinute(requestsPerMinute)
              .setTokensPerMinute(tokensPerMinute)
              .setWeight(weight)
              .setUpdatedAt(connection.clock().instant())
              .build();
      String topic = connection.topics().quotas();
      publish(topic, CREATOR, TeamQuotas.key(team, provider), SERDE.encode(topic, quota));
      String outcome = "quota of " + scope(team, provider) + " set: " + describe(quota);
      out.println(outcome);
      return outcome;
    }
  }

  /** {@code promptyard quota clear TEAM [--provider P]}. */
  @Command(
      name = "clear",
      mixinStandardHelpOptions = true,
      description = "Remove a team's quota (or its quota for one provider) and weight.",
      footer = {"", "Examples:", "  promptyard quota clear search --provider openai"})
  public static final class Clear extends TeamRecordAction {

    @Mixin TeamParameter target;

    @Option(
        names = "--provider",
        paramLabel = "PROVIDER",
        description = "only the team's quota for this provider")
    String provider;

    @Override
    protected String act(PrintWriter out) throws Exception {
      String team = target.team();
      publish(connection.topics().quotas(), CREATOR, TeamQuotas.key(team, provider), null);
      String outcome = "quota of " + scope(team, provider) + " cleared";
      out.println(outcome);
      return outcome;
    }
  }

  /** {@code promptyard quota show [TEAM]}. */
  @Command(
      name = "show",
      mixinStandardHelpOptions = true,
      description = {
        "Print every team's quotas and weights as the workers apply them.",
        "",
        "JSON: {\"quotas\": [{team, provider (null: all providers), requests_per_minute, tokens_per_minute",
        "(0: no quota), weight (null: unset, 1), updated_at}]}."
      },
      footer = {
        "",
        "Examples:",
        "  promptyard quota show",
        "  promptyard quota show search --output json"
      })
  public static final class Show extends TeamListingCommand<TeamQuota> {

    public Show() {
      super(
          TeamQuota.class,
          TeamQuota::getTeam,
          "quotas",
          "%-16s %-14s %12s %14s %6s  %s%n",
          "team",
          "provider",
          "requests/min",
          "tokens/min",
          "weight",
          "as of (UTC)");
    }

    @Override
    protected String topic() {
      return connection.topics().quotas();
    }

    @Override
    protected String whenMissing() {
      return "is a worker running against this cluster (and --topic-prefix right)?";
    }

    @Override
    protected Object[] cells(TeamQuota q) {
      return new Object[] {
        q.getTeam(),
        q.getProvider() == null ? "(all)" : q.getProvider(),
        perMinute(q.getRequestsPerMinute()),
        perMinute(q.getTokensPerMinute()),
        q.getWeight() == null ? "-" : q.getWeight().toString(),
        q.getUpdatedAt()
      };
    }

    private static String perMinute(long n) {
      return n == 0 ? "-" : Long.toString(n);
    }

    /** A quota as {@code --output json} prints it. */
    @Override
    protected Map<String, Object> row(TeamQuota q) {
      Map<String, Object> row = new LinkedHashMap<>();
      row.put("team", q.getTeam());
      row.put("provider", q.getProvider());
      row.put("requests_per_minute", q.getRequestsPerMinute());
      row.put("tokens_per_minute", q.getTokensPerMinute());
      row.put("weight", q.getWeight());
      row.put("updated_at", String.valueOf(q.getUpdatedAt()));
      return row;
    }
  }

  private static String scope(String team, String provider) {
    return provider == null ? team : team + " on " + provider;
  }

  /** What {@code quota} sets, in words. */
  static String describe(TeamQuota quota) {
    List<String> parts = new ArrayList<>();
    if (quota.getRequestsPerMinute() > 0) {
      parts.add(quota.getRequestsPerMinute() + " requests/min");
    }
    if (quota.getTokensPerMinute() > 0) {
      parts.add(quota.getTokensPerMinute() + " tokens/min");
    }
    if (quota.getWeight() != null) {
      parts.add("weight " + quota.getWeight());
    }
    return String.join(", ", parts);
  }
}
