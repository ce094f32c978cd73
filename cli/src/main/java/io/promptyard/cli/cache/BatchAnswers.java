package io.promptyard.cli.cache;

import io.promptyard.catalog.Usage;
import io.promptyard.cli.KafkaClients;
import io.promptyard.cli.TopicScan;
import io.promptyard.schemas.CompletionRequest;
import io.promptyard.schemas.CompletionResult;
import io.promptyard.schemas.Priority;
import io.promptyard.schemas.ResultStatus;
import io.promptyard.schemas.RoutedRequest;
import io.promptyard.schemas.TokenUsage;
import io.promptyard.schemas.serde.AvroSerde;
import io.promptyard.schemas.serde.UndecodableRecordException;
import io.promptyard.schemas.topics.Topics;
import io.promptyard.worker.cache.CacheWarmer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The answers a batch paid for, each with its request as the worker that answered it keyed it
 * ({@code promptyard cache warm --from-batch}). A result names its request, provider and model but
 * does not hold the request; the ingress topics hold the request as the producer sent it, before
 * the router's guard and templates changed it, so the request is taken from the route topics
 * instead: the {@link RoutedRequest} the worker took, routed to the result's provider and model.
 */
final class BatchAnswers {

  /** A paid answer and the request it answered. */
  record Known(
      CompletionRequest request, String provider, String model, CacheWarmer.Answer answer) {}

  /**
   * What the topics hold for a batch.
   *
   * @param results the batch's results (the latest of each request)
   * @param known the answers that can be warmed
   * @param skipped the others, by reason
   */
  record Found(int results, List<Known> known, Map<String, Long> skipped) {}

  private BatchAnswers() {}

  /** Reads the results of {@code batchId} and the routed requests they answered. */
  static Found read(
      KafkaClients clients, Map<String, Object> config, Topics topics, String batchId) {
    AvroSerde<CompletionResult> resultSerde = AvroSerde.of(CompletionResult.class);
    Map<String, CompletionResult> results = new LinkedHashMap<>();
    TopicScan.read(
        clients,
        config,
        topics.results(),
        r -> {
          if (r.value() == null) {
            return;
          }
          try {
            CompletionResult result = resultSerde.decode(r.value());
            if (batchId.equals(result.getBatchId())) {
              results.put(result.getId(), result);
            }
          } catch (UndecodableRecordException e) {
            // not a result: nothing of the batch
          }
        });
    Map<String, Long> skipped = new TreeMap<>();
    Map<String, CompletionResult> paid = new LinkedHashMap<>();
    for (CompletionResult r : results.values()) {
      if (r.getStatus() != ResultStatus.SUCCEEDED || r.getOutput() == null) {
        skipped.merge("did not succeed", 1L, Long::sum);
      } else if (r.getCached()) {
        skipped.merge(
            "answered from the cache: a job stores only the answers it paid for", 1L, Long::sum);
      } else {
        paid.put(r.getId(), r);
      }
    }
    Map<String, RoutedRequest> routed = routedRequests(clients, config, topics, paid);
    List<Known> known = new ArrayList<>();
    for (CompletionResult r : paid.values()) {
      RoutedRequest job = routed.get(r.getId());
      if (job == null) {
        skipped.merge(
            "its routed request is no longer on the route topics (retention)", 1L, Long::sum);
        continue;
      }
      TokenUsage u = r.getUsage();
      known.add(
          new Known(
              job.getRequest(),
              r.getProvider(),
              r.getModel(),
              new CacheWarmer.Answer(
                  r.getOutput(),
                  new Usage(
                      u.getInputTokens(),
                      u.getOutputTokens(),
                      u.getCachedInputTokens(),
                      u.getReasoningTokens()))));
    }
    return new Found(results.size(), known, skipped);
  }

  /**
   * The routed request each result answered, from its provider's route and retry topics (both
   * lanes): the one routed to the model that answered, as a fallback routes a job again.
   */
  private static Map<String, RoutedRequest> routedRequests(
      KafkaClients clients,
      Map<String, Object> config,
      Topics topics,
      Map<String, CompletionResult> paid) {
    AvroSerde<RoutedRequest> serde = AvroSerde.of(RoutedRequest.class);
    Set<String> routeTopics = new LinkedHashSet<>();
    for (CompletionResult r : paid.values()) {
      for (Priority lane : Priority.values()) {
        routeTopics.add(topics.route(r.getProvider(), lane));
        routeTopics.add(topics.retry(r.getProvider(), lane));
      }
    }
    Map<String, RoutedRequest> routed = new HashMap<>();
    for (String topic : routeTopics) {
      try {
        TopicScan.read(
            clients,
            config,
            topic,
            record -> {
              if (record.value() == null) {
                return;
              }
              try {
                RoutedRequest job = serde.decode(record.value());
                CompletionResult r = paid.get(job.getRequest().getId());
                if (r != null
                    && job.getDecision().getProvider().equals(r.getProvider())
                    && job.getDecision().getModel().equals(r.getModel())) {
                  routed.put(r.getId(), job);
                }
              } catch (UndecodableRecordException e) {
                // not a routed request
              }
            });
      } catch (IllegalStateException missing) {
        // a lane this cluster does not have
      }
    }
    return routed;
  }
}
