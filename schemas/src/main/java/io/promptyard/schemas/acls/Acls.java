package io.promptyard.schemas.acls;

import static org.apache.kafka.common.acl.AclOperation.ALTER;
import static org.apache.kafka.common.acl.AclOperation.ALTER_CONFIGS;
import static org.apache.kafka.common.acl.AclOperation.CREATE;
import static org.apache.kafka.common.acl.AclOperation.DESCRIBE;
import static org.apache.kafka.common.acl.AclOperation.DESCRIBE_CONFIGS;
import static org.apache.kafka.common.acl.AclOperation.READ;
import static org.apache.kafka.common.acl.AclOperation.WRITE;

import io.promptyard.schemas.topics.ReplyTopics;
import io.promptyard.schemas.topics.Topics;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;

/**
 * The Kafka ACLs each Promptyard role needs on a cluster whose authorizer allows nothing without
 * one, built from the topic names so that a custom prefix works. The sets were found by running the
 * pipeline against such a broker with only these ACLs ({@code SecuredPipelineIT}) and reading the
 * authorizer's decisions, plus the paths that run did not take (rejections, retries, dead letters,
 * replies, replays), read from the code. Topics are created beforehand by the operator ({@code
 * promptyard topics create}), so no service may create a topic except the router's and the
 * aggregator's state store changelogs.
 *
 * <p>Producers get WRITE and DESCRIBE, consumers READ and DESCRIBE, as {@code kafka-acls
 * --producer/--consumer} grant them.
 *
 * @param topics Promptyard's topic names
 * @param replies the reply topics the router and worker may copy results to
 */
public record Acls(Topics topics, ReplyTopics replies) {

  /** The services and the operator, each of which gets a principal of its own. */
  public enum Role {
    ROUTER("promptyard-router"),
    WORKER("promptyard-worker"),
    AGGREGATOR("promptyard-usage-aggregator"),
    OPERATOR("");

    private final String defaultId;

    Role(String defaultId) {
      this.defaultId = defaultId;
    }

    /**
     * The Kafka Streams application id (router, aggregator) or share group (worker) the service
     * runs under unless configured otherwise; empty for the operator.
     */
    public String defaultId() {
      return defaultId;
    }
  }

  public Acls {
    Objects.requireNonNull(topics, "topics");
    Objects.requireNonNull(replies, "replies");
  }

  /** ACLs under the topic names of {@code topics} and its default reply topics. */
  public static Acls of(Topics topics) {
    return new Acls(topics, ReplyTopics.defaults(topics));
  }

  /**
   * The ACLs of {@code role} for {@code principal} (e.g. {@code User:router}).
   *
   * @param id the application id or group the service is configured with ({@link
   *     Role#defaultId()}); ignored for the operator
   */
  public List<AclBinding> forRole(Role role, String principal, String id) {
    Grants g = new Grants(principal);
    switch (role) {
      case ROUTER -> router(g, id);
      case WORKER -> worker(g, id);
      case AGGREGATOR -> aggregator(g, id);
      case OPERATOR -> operator(g);
    }
    return g.bindings();
  }

  /**
   * The prefix of the ingress topics of one team, {@code <prefix>team.<team>.}: the team's
   * principal may write there and nowhere else, so the topic a request arrives on names its team.
   */
  public String teamIngressPrefix(String team) {
    return topics.teamTopicPrefix(team);
  }

  /** The prefix of the reply topics of one team, {@code <reply prefix><team>.}. */
  public String teamReplyPrefix(String team) {
    return replies.prefix() + Topics.teamSegment(team) + ".";
  }

  /**
   * The ACLs of one team's producer principal: write its own ingress topics, read its own reply
   * topics and create them (the Java client creates its instance's reply topic when it is missing).
   * Not the shared results or chunks topics: they hold every team's answers.
   */
  public List<AclBinding> forTeam(String team, String principal) {
    Grants g = new Grants(principal);
    g.topicPrefix(teamIngressPrefix(team), WRITE, DESCRIBE);
    g.topicPrefix(teamReplyPrefix(team), READ, DESCRIBE, CREATE);
    return g.bindings();
  }

  private void router(Grants g, String applicationId) {
    g.reads(topics.requests(), topics.requestsJson());
    // every team's own ingress topics, read by pattern when PROMPTYARD_ROUTER_INGRESS names teams
    g.topicPrefix(topics.teamPrefix(), READ, DESCRIBE);
    g.reads(
        // dead letters an operator replays, which re-enter through the router
        topics.replays(),
        // global tables
        topics.providerHealth(),
        topics.budgetStatus(),
        topics.guardPolicies(),
        topics.templates());
    g.topicPrefix(routePrefix(), WRITE, DESCRIBE);
    // results: REJECTED ones written, every one read back for zero-cost ends of budget reservations
    g.topic(topics.results(), READ, WRITE, DESCRIBE);
    g.writes(topics.deadLetters());
    g.topicPrefix(replies.prefix(), WRITE, DESCRIBE);
    // budget reservations: routed requests of teams with a budget pass through its own gate topic,
    // settled by the aggregator's settlements
    g.topic(topics.budgetGate(), READ, WRITE, DESCRIBE);
    g.reads(topics.budgetSettlements());
    // the changelogs of its reservation stores
    changelogs(g, applicationId);
    streamsGroupAndTransactions(g, applicationId);
  }

  private void worker(Grants g, String group) {
    // route, interactive and retry topics of every provider: read jobs, write retries, relay due
    // retries back
    g.topicPrefix(routePrefix(), READ, WRITE, DESCRIBE);
    // results are read back when a replayed job arrives, to tell an answered one from a new one
    g.topic(topics.results(), READ, WRITE, DESCRIBE);
    g.writes(topics.chunks(), topics.usage(), topics.deadLetters(), topics.providerHealth());
    // semantic cache entries: written after a paid call, read from the beginning (no group)
    g.topic(topics.semanticCache(), READ, WRITE, DESCRIBE);
    // team quotas and weights: read from the beginning (no group)
    g.reads(topics.quotas());
    // each team's semantic pause, read from the beginning (no group)
    g.reads(topics.semanticPauses());
    g.topicPrefix(replies.prefix(), WRITE, DESCRIBE);
    // the share group (or consumer group), whose start offset and isolation the worker sets
    g.group(group, READ, DESCRIBE, ALTER_CONFIGS);
    g.group(group + "-retry", READ, DESCRIBE);
  }

  private void aggregator(Grants g, String applicationId) {
    g.reads(topics.usage(), topics.budgets());
    g.writes(
        topics.usageTotals(),
        topics.budgetStatus(),
        topics.budgetSettlements(),
        topics.alerts(),
        topics.deadLetters());
    // results read: their guard verdicts are counted, and the opt-in JSON mirrors
    // (PROMPTYARD_USAGE_JSON_MIRRORS) copy them; results and usage written as JSON
    g.reads(topics.results());
    g.writes(topics.resultsJson(), topics.usageJson());
    // semantic pauses: decided here from shadow verifications, an operator's reset read back
    g.topic(topics.semanticPauses(), READ, WRITE, DESCRIBE);
    // the changelogs of its state stores (no repartition topics, so no DELETE to purge them)
    changelogs(g, applicationId);
    streamsGroupAndTransactions(g, applicationId);
  }

  /** The changelog topics of a Kafka Streams application's state stores, named after its id. */
  private static void changelogs(Grants g, String applicationId) {
    g.add(
        new ResourcePattern(ResourceType.TOPIC, applicationId, PatternType.PREFIXED),
        CREATE,
        READ,
        WRITE,
        DESCRIBE,
        DESCRIBE_CONFIGS);
  }

  /**
   * Kafka Streams with exactly-once: its consumer group is the application id, and its
   * transactional ids start with it.
   */
  private static void streamsGroupAndTransactions(Grants g, String applicationId) {
    g.group(applicationId, READ, DESCRIBE);
    g.add(
        new ResourcePattern(ResourceType.TRANSACTIONAL_ID, applicationId, PatternType.PREFIXED),
        WRITE,
        DESCRIBE);
  }

  /** Every Promptyard topic, and the cluster's ACLs (to apply these). */
  private void operator(Grants g) {
    g.add(everyTopic(), AclOperation.ALL);
    g.add(
        new ResourcePattern(ResourceType.CLUSTER, "kafka-cluster", PatternType.LITERAL),
        DESCRIBE,
        ALTER);
  }

  private ResourcePattern everyTopic() {
    return topics.prefix().isEmpty()
        ? new ResourcePattern(
            ResourceType.TOPIC, ResourcePattern.WILDCARD_RESOURCE, PatternType.LITERAL)
        : new ResourcePattern(ResourceType.TOPIC, topics.prefix(), PatternType.PREFIXED);
  }

  private String routePrefix() {
    return topics.prefix() + "route.";
  }

  /** ALLOW entries for one principal from any host, collected in order. */
  private static final class Grants {
    private final String principal;
    private final List<AclBinding> bindings = new ArrayList<>();

    Grants(String principal) {
      if (principal == null || !principal.contains(":")) {
        throw new IllegalArgumentException(
            "principal '" + principal + "' must be TYPE:NAME, e.g. User:router");
      }
      this.principal = principal;
    }

    void topic(String name, AclOperation... operations) {
      add(new ResourcePattern(ResourceType.TOPIC, name, PatternType.LITERAL), operations);
    }

    /** Consumes {@code names}: READ and DESCRIBE on each, in order. */
    void reads(String... names) {
      for (String name : names) {
        topic(name, READ, DESCRIBE);
      }
    }

    /** Produces to {@code names}: WRITE and DESCRIBE on each, in order. */
    void writes(String... names) {
      for (String name : names) {
        topic(name, WRITE, DESCRIBE);
      }
    }

    void topicPrefix(String prefix, AclOperation... operations) {
      add(new ResourcePattern(ResourceType.TOPIC, prefix, PatternType.PREFIXED), operations);
    }

    void group(String name, AclOperation... operations) {
      add(new ResourcePattern(ResourceType.GROUP, name, PatternType.LITERAL), operations);
    }

    void add(ResourcePattern resource, AclOperation... operations) {
      for (AclOperation operation : operations) {
        bindings.add(
            new AclBinding(
                resource,
                new AccessControlEntry(principal, "*", operation, AclPermissionType.ALLOW)));
      }
    }

    List<AclBinding> bindings() {
      return List.copyOf(bindings);
    }
  }
}
