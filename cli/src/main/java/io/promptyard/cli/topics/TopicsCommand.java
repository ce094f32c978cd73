package io.promptyard.cli.topics;

import io.promptyard.catalog.ProviderSpec;
import io.promptyard.cli.CatalogOption;
import io.promptyard.cli.CommandGroup;
import io.promptyard.cli.ConnectedCommand;
import io.promptyard.cli.OperatorAction;
import io.promptyard.cli.OutputOption;
import io.promptyard.schemas.Priority;
import io.promptyard.schemas.topics.TopicProvisioner;
import io.promptyard.schemas.topics.Topics;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code promptyard topics create|describe}: Promptyard's topics, as the services would create
 * them.
 */
@Command(
    name = "topics",
    mixinStandardHelpOptions = true,
    description = "Create or describe Promptyard's topics, or the ACLs each role needs on them.",
    subcommands = {TopicsCommand.Create.class, TopicsCommand.Describe.class, AclsCommand.class},
    footer = {
      "",
      "Examples:",
      "  promptyard topics create --partitions 12 --replication 3",
      "  promptyard topics create --team finance",
      "  promptyard topics describe",
      "  promptyard topics describe promptyard.dlq",
      "  promptyard topics acls --service worker --principal User:worker --apply"
    })
public final class TopicsCommand extends CommandGroup {

  /**
   * The providers whose route topics are meant: those named, else every provider of the catalog.
   */
  static final class ProviderOptions {
    @Option(
        names = "--providers",
        paramLabel = "NAME",
        split = ",",
        description =
            "providers whose route and retry topics are meant (default: every provider of the catalog)")
    List<String> providers;

    @Mixin CatalogOption catalog;

    List<String> providers() {
      Set<String> known =
          catalog.load().providers().stream()
              .map(ProviderSpec::name)
              .collect(Collectors.toCollection(java.util.TreeSet::new));
      if (providers == null) {
        return List.copyOf(known);
      }
      for (String p : providers) {
        if (!known.contains(p)) {
          throw new IllegalArgumentException(
              "--providers names "
                  + p
                  + ", which the catalog does not define (known: "
                  + String.join(", ", known)
                  + ")");
        }
      }
      return List.copyOf(providers);
    }
  }

  /**
   * Every topic name, split into delete-policy, compacted and retained ones (the audit trail, kept
   * until an operator sets a retention).
   */
  record Layout(List<String> regular, List<String> compacted, List<String> retained) {
    static Layout of(Topics t, Collection<String> providers) {
      List<String> regular =
          new ArrayList<>(
              List.of(
                  t.requests(),
                  t.requestsJson(),
                  t.replays(),
                  t.results(),
                  t.chunks(),
                  t.usage(),
                  t.budgetSettlements(),
                  t.budgetGate(),
                  t.alerts(),
                  t.deadLetters(),
                  // written only when the aggregator's JSON mirrors are on; empty otherwise
                  t.resultsJson(),
                  t.usageJson()));
      for (String p : providers) {
        for (Priority lane : Priority.values()) {
          regular.add(t.route(p, lane));
          regular.add(t.retry(p, lane));
        }
      }
      // every topic a service would create, so that services need no CREATE ACL
      return new Layout(
          regular,
          List.of(
              t.usageTotals(),
              t.providerHealth(),
              t.budgets(),
              t.budgetStatus(),
              t.guardPolicies(),
              t.quotas(),
              t.templates(),
              t.semanticCache(),
              t.semanticPauses()),
          List.of(t.audit()));
    }

    /** Only the given teams' own ingress topics (Avro and JSON). */
    static Layout ofTeams(Topics t, Collection<String> teams) {
      List<String> regular = new ArrayList<>();
      for (String team : teams) {
        regular.add(t.teamRequests(team));
        regular.add(t.teamRequestsJson(team));
      }
      return new Layout(regular, List.of(), List.of());
    }

    List<String> all() {
      List<String> all = new ArrayList<>(regular);
      all.addAll(compacted);
      all.addAll(retained);
      return all;
    }
  }

  /** {@code topics create}. */
  @Command(
      name = "create",
      mixinStandardHelpOptions = true,
      description = {
        "Create every Promptyard topic that is missing (ingress, replays, route and retry topics per provider and",
        "lane, results, chunks, usage, alerts, dead letters, audit; compacted: usage totals, provider health,",
        "budgets, budget status, guard policies, templates). Existing topics are left as they are. The services create their own",
        "topics too; this is for clusters where they may not (with the ACLs of promptyard topics acls, they may not).",
        "With --team, only those teams' own ingress topics (<prefix>team.<team>.requests and .requests.json), for",
        "a router reading team topics; a team name there may only hold letters, digits, '_' and '-'."
      },
      footer = {
        "",
        "Examples:",
        "  promptyard topics create",
        "  promptyard topics create --partitions 12 --replication 3 --min-insync-replicas 2",
        "  promptyard topics create --providers openai,anthropic --topic-prefix staging.",
        "  promptyard topics create --team finance,search --partitions 12"
      })
  static final class Create extends OperatorAction {
    @Mixin ProviderOptions providers;

    @Option(
        names = "--team",
        paramLabel = "TEAM",
        split = ",",
        description =
            "create only these teams' own ingress topics, configured as the shared ingress topics")
    List<String> teams;

    @Option(
        names = "--partitions",
        paramLabel = "N",
        defaultValue = "6",
        description = "partitions of new topics (default ${DEFAULT-VALUE})")
    int partitions;

    @Option(
        names = "--replication",
        paramLabel = "N",
        description =
            "replication factor of new topics (default: min(3, brokers), the brokers counted on the cluster)")
    Short replication;

    @Option(
        names = "--min-insync-replicas",
        paramLabel = "N",
        description =
            "min.insync.replicas of new topics (default: the replication factor less one, at least 1)")
    Integer minInSyncReplicas;

    @Override
    protected boolean createsAuditTopic() {
      return teams == null;
    }

    @Override
    protected String act(PrintWriter out) throws Exception {
      if (partitions < 1
          || (replication != null && replication < 1)
          || (minInSyncReplicas != null && minInSyncReplicas < 1)) {
        throw new IllegalArgumentException(
            "--partitions, --replication and --min-insync-replicas must be at least 1");
      }
      Layout layout =
          teams == null
              ? Layout.of(connection.topics(), providers.providers())
              : Layout.ofTeams(connection.topics(), teams);
      aboutToAct();
      int created = 0;
      List<String> failed = new ArrayList<>();
      String reason = null;
      List<NewTopic> topics = new ArrayList<>();
      try (Admin admin = Admin.create(connection.kafkaClientConfig())) {
        TopicProvisioner.Replication copies =
            new TopicProvisioner(
                    partitions,
                    Optional.ofNullable(replication),
                    Optional.ofNullable(minInSyncReplicas))
                .replication(admin);
        String minInSync = Integer.toString(copies.minInSyncReplicas());
        for (var kind :
            List.of(
                Map.entry(layout.regular(), Map.<String, String>of()),
                Map.entry(
                    layout.compacted(),
                    Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT)),
                Map.entry(layout.retained(), Map.of(TopicConfig.RETENTION_MS_CONFIG, "-1")))) {
          Map<String, String> configs = new java.util.HashMap<>(kind.getValue());
          configs.put(TopicConfig.MIN_IN_SYNC_REPLICAS_CONFIG, minInSync);
          kind.getKey()
              .forEach(
                  n -> topics.add(new NewTopic(n, partitions, copies.factor()).configs(configs)));
        }
        // Each topic's own answer says whether it was created or was there already; a listing taken
        // before could miss topics created a moment ago, whose metadata has not reached every
        // broker yet.
        Map<String, KafkaFuture<Void>> results = admin.createTopics(topics).values();
        for (NewTopic topic : topics) {
          try {
            results.get(topic.name()).get(30, TimeUnit.SECONDS);
            created++;
            out.println("created  " + topic.name());
          } catch (ExecutionException e) {
            if (e.getCause() instanceof TopicExistsException) {
              out.println("exists   " + topic.name());
            } else {
              failed.add(topic.name());
              reason = reason != null ? reason : rootCause(e).getMessage();
            }
          }
        }
      }
      out.flush();
      if (!failed.isEmpty()) {
        throw new IllegalStateException(
            "could not create "
                + failed.size()
                + " topic(s) ("
                + failed.getFirst()
                + (failed.size() > 1 ? ", …" : "")
                + "): "
                + reason);
      }
      String outcome =
          created + " topic(s) created, " + (topics.size() - created) + " already there";
      out.println(outcome);
      return outcome;
    }
  }

  private static Throwable rootCause(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null && t.getCause() != t) {
      t = t.getCause();
    }
    return t;
  }

  /** {@code topics describe}. */
  @Command(
      name = "describe",
      mixinStandardHelpOptions = true,
      description = {
        "Show each Promptyard topic's partitions, replication, cleanup policy and retention, or that it is missing.",
        "",
        "JSON: {\"topics\": [{topic, exists, partitions, replication, cleanup_policy, retention_ms (-1: forever)}],",
        "\"missing\"}; a missing topic has only topic and exists."
      },
      footer = {
        "",
        "Examples:",
        "  promptyard topics describe",
        "  promptyard topics describe promptyard.dlq promptyard.results",
        "  promptyard topics describe --bootstrap-server kafka:9092 --providers openai",
        "  promptyard topics describe --output json | jq -r '.topics[] | select(.exists | not) | .topic'"
      })
  static final class Describe extends ConnectedCommand {
    @Mixin ProviderOptions providers;

    @Parameters(
        paramLabel = "TOPIC",
        arity = "0..*",
        description = "topics to describe (default: every Promptyard topic)")
    List<String> names;

    @Mixin OutputOption output;

    @Override
    protected void execute(PrintWriter out) throws Exception {
      List<String> wanted =
          names == null || names.isEmpty()
              ? Layout.of(connection.topics(), providers.providers()).all()
              : names;
      try (Admin admin = connection.clients().admin(connection.kafkaClientConfig())) {
        Set<String> existing = admin.listTopics().names().get(30, TimeUnit.SECONDS);
        List<String> present = wanted.stream().filter(existing::contains).toList();
        Map<String, TopicDescription> descriptions =
            admin.describeTopics(present).allTopicNames().get(30, TimeUnit.SECONDS);
        Map<ConfigResource, Config> configs =
            admin
                .describeConfigs(
                    present.stream()
                        .map(n -> new ConfigResource(ConfigResource.Type.TOPIC, n))
                        .toList())
                .all()
                .get(30, TimeUnit.SECONDS);
        long missing = wanted.stream().distinct().filter(n -> !existing.contains(n)).count();
        if (output.json()) {
          Map<String, Object> document = new LinkedHashMap<>();
          document.put(
              "topics",
              new LinkedHashSet<>(wanted)
                  .stream()
                      .map(
                          name ->
                              row(
                                  name,
                                  descriptions.get(name),
                                  configs.get(new ConfigResource(ConfigResource.Type.TOPIC, name))))
                      .toList());
          document.put("missing", missing);
          output.document(out, document);
          return;
        }
        out.printf(
            "%-40s %10s %11s %-8s %s%n",
            "TOPIC", "PARTITIONS", "REPLICATION", "CLEANUP", "RETENTION");
        for (String name : new LinkedHashSet<>(wanted)) {
          TopicDescription d = descriptions.get(name);
          if (d == null) {
            out.printf("%-40s %s%n", name, "missing");
            continue;
          }
          Config c = configs.get(new ConfigResource(ConfigResource.Type.TOPIC, name));
          out.printf(
              "%-40s %10d %11d %-8s %s%n",
              name,
              d.partitions().size(),
              d.partitions().getFirst().replicas().size(),
              c.get(TopicConfig.CLEANUP_POLICY_CONFIG).value(),
              retention(c.get(TopicConfig.RETENTION_MS_CONFIG).value()));
        }
        out.flush();
        if (missing > 0) {
          err().println(missing + " topic(s) missing; promptyard topics create makes them");
        }
      }
    }

    /**
     * A topic as {@code --output json} prints it: {@code exists} false and nothing else when it is
     * missing; retention in milliseconds, -1 for forever.
     */
    private static Map<String, Object> row(String name, TopicDescription d, Config c) {
      Map<String, Object> row = new LinkedHashMap<>();
      row.put("topic", name);
      row.put("exists", d != null);
      if (d != null) {
        row.put("partitions", d.partitions().size());
        row.put("replication", d.partitions().getFirst().replicas().size());
        row.put("cleanup_policy", c.get(TopicConfig.CLEANUP_POLICY_CONFIG).value());
        row.put("retention_ms", Long.parseLong(c.get(TopicConfig.RETENTION_MS_CONFIG).value()));
      }
      return row;
    }

    private static String retention(String millis) {
      long ms = Long.parseLong(millis);
      if (ms < 0) {
        return "forever";
      }
      return ms % 86_400_000 == 0
          ? ms / 86_400_000 + "d"
          : ms % 3_600_000 == 0 ? ms / 3_600_000 + "h" : ms + "ms";
    }
  }
}
