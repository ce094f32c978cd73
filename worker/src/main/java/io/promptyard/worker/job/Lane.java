package io.promptyard.worker.job;

import io.promptyard.schemas.Priority;
import io.promptyard.schemas.RoutedRequest;
import io.promptyard.schemas.RoutingHints;
import io.promptyard.schemas.topics.Topics;

/**
 * The lane a job travels in, from its request's priority: the router sends INTERACTIVE requests to
 * {@code route.<provider>.interactive} and BATCH ones to {@code route.<provider>}. Workers read each lane with
 * consumers of its own, so a batch backlog never takes the polls or the in-flight places of interactive jobs;
 * a job keeps its lane when it falls back to another provider or waits on a retry topic.
 */
public enum Lane {
  INTERACTIVE,
  BATCH;

  /** The lane of a job: its request's priority, BATCH when it has none. */
  public static Lane of(RoutedRequest job) {
    RoutingHints routing = job.getRequest().getRouting();
    return routing != null && routing.getPriority() == Priority.INTERACTIVE ? INTERACTIVE : BATCH;
  }

  /** This lane's topic of {@code provider}'s jobs. */
  public String topic(Topics topics, String provider) {
    return this == INTERACTIVE ? topics.routeInteractive(provider) : topics.route(provider);
  }

  /** This lane's retry topic of {@code provider}, where jobs wait until they are due. */
  public String retryTopic(Topics topics, String provider) {
    return this == INTERACTIVE ? topics.routeInteractive(provider) + ".retry" : topics.retry(provider);
  }
}
