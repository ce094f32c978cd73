package io.promptyard.client;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Pattern;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;

/**
 * The topic one client instance reads its results from: the worker copies each terminal result of a
 * request that names it there. The client creates it when it is missing, with one partition and a
 * short retention (it is read from its end, as results come).
 */
final class ReplyTopic {

  /** How long the reply topics the client creates keep records. */
  static final Duration RETENTION = Duration.ofHours(1);

  private static final Pattern LEGAL = Pattern.compile("[a-zA-Z0-9._-]{1,249}");
  private static final Duration ADMIN_WAIT = Duration.ofSeconds(15);
  private static final Duration METADATA_PAUSE = Duration.ofMillis(100);
  private static final int METADATA_ATTEMPTS = 150;

  private ReplyTopic() {}

  /**
   * The reply topic of a client instance: {@code <reply prefix><team>.<client id>}, under the
   * prefix a team's principal may read and create ({@code promptyard topics acls --team}).
   */
  static String of(String replyPrefix, String team, String clientId) {
    return replyPrefix + team + "." + clientId;
  }

  /** Why {@code topic} cannot be a Kafka topic's name, or empty when it can. */
  static Optional<String> illegal(String topic) {
    if (LEGAL.matcher(topic).matches() && !topic.equals(".") && !topic.equals("..")) {
      return Optional.empty();
    }
    return Optional.of(
        "reply topic '"
            + topic
            + "' is not a legal Kafka topic name (letters, digits, '.', '_' and '-', at most 249):"
            + " set a clientId or replyTopic that is");
  }

  /**
   * Creates the topic unless it exists.
   *
   * @throws IllegalStateException when it is missing and cannot be created (no CREATE ACL, say)
   */
  static void ensure(
      Map<String, Object> kafka, String bootstrapServers, String clientId, String topic) {
    Map<String, Object> config = new HashMap<>(kafka);
    config.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    config.put(AdminClientConfig.CLIENT_ID_CONFIG, clientId + "-admin");
    try (Admin admin = Admin.create(config)) {
      if (exists(admin, topic)) {
        return;
      }
      NewTopic reply =
          new NewTopic(topic, Optional.of(1), Optional.empty())
              .configs(
                  Map.of(
                      TopicConfig.RETENTION_MS_CONFIG,
                      Long.toString(RETENTION.toMillis()),
                      TopicConfig.CLEANUP_POLICY_CONFIG,
                      TopicConfig.CLEANUP_POLICY_DELETE));
      try {
        admin.createTopics(List.of(reply)).all().get(ADMIN_WAIT.toMillis(), TimeUnit.MILLISECONDS);
      } catch (ExecutionException e) {
        if (!(e.getCause() instanceof TopicExistsException)) {
          throw refused(topic, e.getCause());
        }
      }
      // A topic just created is not in every broker's metadata at once: the consumer would take it
      // for missing.
      for (int attempt = 0; !exists(admin, topic); attempt++) {
        if (attempt == METADATA_ATTEMPTS) {
          throw refused(topic, new TimeoutException("created, but not in the brokers' metadata"));
        }
        Thread.sleep(METADATA_PAUSE.toMillis());
      }
    } catch (TimeoutException e) {
      throw refused(topic, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while creating reply topic " + topic, e);
    }
  }

  /**
   * Whether the topic exists with a leader for each partition; checked first, as a principal
   * without CREATE may not even try to create it.
   */
  private static boolean exists(Admin admin, String topic)
      throws InterruptedException, TimeoutException {
    try {
      return admin
          .describeTopics(List.of(topic))
          .allTopicNames()
          .get(ADMIN_WAIT.toMillis(), TimeUnit.MILLISECONDS)
          .get(topic)
          .partitions()
          .stream()
          .allMatch(p -> p.leader() != null);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof UnknownTopicOrPartitionException) {
        return false;
      }
      throw refused(topic, e.getCause());
    }
  }

  private static IllegalStateException refused(String topic, Throwable cause) {
    return new IllegalStateException(
        "reply topic "
            + topic
            + " is missing and the client could not create it ("
            + cause
            + "): create it (1 partition) or let the client's principal CREATE, READ and DESCRIBE"
            + " topics under its team's reply prefix (promptyard topics acls --team)",
        cause);
  }
}
