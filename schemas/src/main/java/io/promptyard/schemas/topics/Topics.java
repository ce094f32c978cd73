package io.promptyard.schemas.topics;

import java.util.Objects;
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

  /** Routed requests for one provider. */
  public String route(String provider) {
    return prefix + "route." + provider;
  }

  /** Delayed retries for one provider. */
  public String retry(String provider) {
    return route(provider) + ".retry";
  }

  /** Terminal results, keyed by request id. */
  public String results() {
    return prefix + "results";
  }

  /** Streamed deltas. */
  public String chunks() {
    return prefix + "chunks";
  }

  /** One usage event per provider call or cache hit. */
  public String usage() {
    return prefix + "usage";
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

  /** Team budgets (compacted). */
  public String budgets() {
    return prefix + "budgets";
  }

  /** Each team's limits and spend this UTC month, published by the usage aggregator (compacted, key team). */
  public String budgetStatus() { return prefix + "budget-status"; }
}
