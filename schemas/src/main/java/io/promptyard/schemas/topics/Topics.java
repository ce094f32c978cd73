package io.promptyard.schemas.topics;

import io.promptyard.schemas.Priority;
import io.promptyard.schemas.RoutingDecision;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The names of every Promptyard topic, under one configurable prefix (default {@code promptyard.}).
 *
 * @param prefix prepended to every name; may be empty
 */
public record Topics(String prefix) {

  /** The prefix used when none is configured. */
  public static final String DEFAULT_PREFIX = "promptyard.";

  private static final Pattern LEGAL = Pattern.compile("[a-zA-Z0-9._-]*");

  /** What a team that has its own ingress topics may be called: one topic-name segment. */
  private static final String TEAM_SEGMENT = "[A-Za-z0-9_-]+";

  private static final Pattern TEAM = Pattern.compile(TEAM_SEGMENT);

  public Topics {
    Objects.requireNonNull(prefix, "prefix");
    if (!LEGAL.matcher(prefix).matches()) {
      throw new IllegalArgumentException(
          "topic prefix '" + prefix + "' may only contain letters, digits, '.', '_' and '-'");
    }
  }

  /** Topics under the default prefix. */
  public static Topics defaults() {
    return new Topics(DEFAULT_PREFIX);
  }

  /** Avro {@code CompletionRequest} ingress. */
  public String requests() {
    return prefix + "requests";
  }

  /** JSON ingress: an OpenAI chat-completions body plus a {@code metadata} object. */
  public String requestsJson() {
    return prefix + "requests.json";
  }

  /**
   * Dead-letter replays: dead-lettered jobs (Avro {@code RoutedRequest}) an operator sends back
   * through the router ({@code promptyard dlq replay}). The router reads it as a third ingress,
   * routes each job's request afresh (its old decision is ignored) and keeps its attempt history,
   * so that usage event ids ({@code id:attempt}) stay unique; on this topic only it keeps the
   * {@link RecordHeaders#REPLAY} mark that lets a worker run a FAILED id again. Only operators may
   * write it (see docs/SECURITY.md).
   */
  public String replays() {
    return prefix + "replays";
  }

  /**
   * {@code <prefix>team.<team>.}: the start of every topic of one team, and so the name of the
   * prefixed ACL that lets only that team's principal write them. The trailing dot keeps team
   * {@code fin}'s ACL from matching team {@code finance}'s topics.
   *
   * @throws IllegalArgumentException when {@code team} is not a legal topic-name segment
   */
  public String teamTopicPrefix(String team) {
    return teamPrefix() + teamSegment(team) + ".";
  }

  /**
   * {@code team}, checked to be usable as one segment of a topic prefix of its own (its ingress
   * topics, its reply topics): letters, digits, {@code _} and {@code -}, no dots, so that no team's
   * prefix covers another's.
   *
   * @throws IllegalArgumentException when it is not
   */
  public static String teamSegment(String team) {
    if (team == null || !TEAM.matcher(team).matches()) {
      throw new IllegalArgumentException(
          "team '"
              + team
              + "' cannot have topics of its own: such a team name may only contain letters,"
              + " digits, '_' and '-' (no dots, which would let one team's topic prefix cover"
              + " another's)");
    }
    return team;
  }

  /** One team's Avro {@code CompletionRequest} ingress: only that team's producers write it. */
  public String teamRequests(String team) {
    return teamTopicPrefix(team) + "requests";
  }

  /** One team's JSON ingress, shaped as {@link #requestsJson()}. */
  public String teamRequestsJson(String team) {
    return teamRequests(team) + ".json";
  }

  /** Every team's Avro ingress topic, present and future: what the router subscribes to. */
  public Pattern teamRequestsPattern() {
    return Pattern.compile(
        Pattern.quote(teamPrefix()) + "(" + TEAM_SEGMENT + ")" + Pattern.quote(".requests"));
  }

  /** Every team's JSON ingress topic, present and future. */
  public Pattern teamRequestsJsonPattern() {
    return Pattern.compile(
        Pattern.quote(teamPrefix()) + "(" + TEAM_SEGMENT + ")" + Pattern.quote(".requests.json"));
  }

  /** The team whose ingress topic (Avro or JSON) {@code topic} is; empty for any other topic. */
  public Optional<String> teamOf(String topic) {
    for (Pattern p : List.of(teamRequestsPattern(), teamRequestsJsonPattern())) {
      Matcher m = p.matcher(topic);
      if (m.matches()) {
        return Optional.of(m.group(1));
      }
    }
    return Optional.empty();
  }

  /** Whether {@code topic} carries JSON requests: the shared JSON ingress or a team's. */
  public boolean isJsonIngress(String topic) {
    return topic.equals(requestsJson()) || teamRequestsJsonPattern().matcher(topic).matches();
  }

  /**
   * Where every team's own ingress topics live, {@code <prefix>team.}: the router reads all of it
   * (a prefixed ACL), each team writes only its own {@link #teamTopicPrefix}.
   */
  public String teamPrefix() {
    return prefix + "team.";
  }

  /** Routed requests for one provider. */
  public String route(String provider) {
    return prefix + "route." + provider;
  }

  /**
   * Routed INTERACTIVE-priority requests for one provider: a lane that batch traffic never queues
   * ahead of.
   */
  public String routeInteractive(String provider) {
    return prefix + "route." + provider + ".interactive";
  }

  /** Delayed retries for one provider. */
  public String retry(String provider) {
    return route(provider) + ".retry";
  }

  /**
   * The topic of one provider's jobs in one lane: INTERACTIVE jobs travel on {@link
   * #routeInteractive}, BATCH ones on {@link #route(String)}. Workers read each lane with consumers
   * of their own, so a batch backlog never takes the polls or the in-flight places of interactive
   * jobs.
   */
  public String route(String provider, Priority lane) {
    return lane == Priority.INTERACTIVE ? routeInteractive(provider) : route(provider);
  }

  /** The retry topic of one provider's jobs in one lane, where they wait until they are due. */
  public String retry(String provider, Priority lane) {
    return route(provider, lane) + ".retry";
  }

  /**
   * The topic a routed job travels on: its decision's provider, in its decision's lane. A job keeps
   * its lane when it falls back to another provider or waits on a retry topic, since its decision
   * keeps the priority.
   */
  public String route(RoutingDecision decision) {
    return route(decision.getProvider(), decision.getPriority());
  }

  /** The retry topic a routed job waits on: {@link #retry(String, Priority)} of its decision. */
  public String retry(RoutingDecision decision) {
    return retry(decision.getProvider(), decision.getPriority());
  }

  /** Terminal results, keyed by request id. */
  public String results() {
    return prefix + "results";
  }

  /**
   * Opt-in JSON mirror of {@link #results()}: one OpenAI Batch output line per result (see {@code
   * io.promptyard.schemas.json.ResultJson}), keyed by request id, written by the usage aggregator.
   */
  public String resultsJson() {
    return prefix + "results.json";
  }

  /** Streamed deltas. */
  public String chunks() {
    return prefix + "chunks";
  }

  /** One usage event per provider call or cache hit. */
  public String usage() {
    return prefix + "usage";
  }

  /**
   * Opt-in JSON mirror of {@link #usage()}: one JSON object per usage event (see {@code
   * io.promptyard.schemas.json.UsageJson}), keyed by team, written by the usage aggregator.
   */
  public String usageJson() {
    return prefix + "usage.json";
  }

  /** Aggregated usage totals (compacted). */
  public String usageTotals() {
    return prefix + "usage.totals";
  }

  /** Budget alerts. */
  public String alerts() {
    return prefix + "alerts";
  }

  /** Dead letters. */
  public String deadLetters() {
    return prefix + "dlq";
  }

  /** Provider health (compacted). */
  public String providerHealth() {
    return prefix + "provider-health";
  }

  /**
   * Each team's budget with its spend this UTC month (compacted, key team, value {@code Budget}).
   */
  public String budgetStatus() {
    return prefix + "budget-status";
  }

  /**
   * One {@code BudgetSettlement} per request whose last usage event the aggregator counted for a
   * team with a budget (key team): the router drops the request's budget reservation when it reads
   * it.
   */
  public String budgetSettlements() {
    return prefix + "budget-settlements";
  }

  /**
   * The router's own topic between routing and the budget gate (key team): routed requests of teams
   * with a budget, and the settlements and zero-cost results that release their reservations, so
   * that one stream task sees all of a team's reservations and releases in order.
   */
  public String budgetGate() {
    return prefix + "budget-gate";
  }

  /**
   * Semantic cache entries (compacted), keyed by entry id (a hash of team, exact key part and
   * prompt), value {@code SemanticCacheEntry}; a tombstone removes an entry. Every worker reads it
   * from the beginning into its index and writes the answers it paid for.
   */
  public String semanticCache() {
    return prefix + "semantic-cache";
  }

  /**
   * Whether each team's semantic cache answers are paused (compacted, key team, value {@code
   * SemanticPause}): written by the usage aggregator when a team's observed false-hit rate passes
   * its limit or falls back, and by an operator's reset; every worker reads it from the beginning.
   */
  public String semanticPauses() {
    return prefix + "semantic-pauses";
  }

  /** Team budgets (compacted). */
  public String budgets() {
    return prefix + "budgets";
  }

  /**
   * Each team's guard policy over the router's default one (compacted, key team, value {@code
   * TeamGuardPolicy}), written by {@code promptyard guard policy set}; a tombstone returns the team
   * to the default. The router reads it as a global store.
   */
  public String guardPolicies() {
    return prefix + "guard-policies";
  }

  /**
   * Each team's rate quotas and fair-share weight (compacted, key {@code team} or {@code
   * team/provider}, value {@code TeamQuota}), written by {@code promptyard quota set}; a tombstone
   * removes one. The workers read it whole.
   */
  public String quotas() {
    return prefix + "quotas";
  }

  /** Prompt templates (compacted), keyed {@code name@version}. */
  public String templates() {
    return prefix + "templates";
  }

  /**
   * The audit trail: one record per operator action (retained, not compacted), see {@code
   * promptyard audit}.
   */
  public String audit() {
    return prefix + "audit";
  }

  /**
   * Whether {@code topic} is a route, interactive or retry topic (under {@code <prefix>route.}).
   */
  public boolean isRoute(String topic) {
    return topic.startsWith(prefix + "route.");
  }

  /**
   * Whether {@code topic} is one of the topics named here: every route, interactive and retry topic
   * (anything under {@code <prefix>route.}), every team's topic (anything under {@code
   * <prefix>team.}) and each of the others. Producers may not have results copied to these (see
   * {@link ReplyTopics}).
   */
  public boolean isInternal(String topic) {
    return isRoute(topic)
        || topic.startsWith(teamPrefix())
        || Set.of(
                requests(),
                requestsJson(),
                replays(),
                audit(),
                results(),
                resultsJson(),
                chunks(),
                usage(),
                usageJson(),
                usageTotals(),
                alerts(),
                deadLetters(),
                providerHealth(),
                budgetStatus(),
                budgetSettlements(),
                budgetGate(),
                budgets(),
                guardPolicies(),
                quotas(),
                templates(),
                semanticCache(),
                semanticPauses())
            .contains(topic);
  }
}
