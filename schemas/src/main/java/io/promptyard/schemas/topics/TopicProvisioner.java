package io.promptyard.schemas.topics;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates the topics a service owns when they are missing, with the configured partitions and
 * replication, and returns once every partition of the new topics has a leader: a consumer or a
 * Kafka Streams global store starting right after it finds them (on a cluster of several brokers, a
 * topic just created is not known to every broker at once). Existing topics are left as they are.
 * Unless configured, new topics get replication factor {@code min(3, brokers)} and {@code
 * min.insync.replicas} one less (at least 1), counting the cluster's brokers with the admin client:
 * a topic survives the loss of one broker without refusing writes.
 *
 * @param partitions partitions for new topics
 * @param configuredReplication the replication factor of new topics; from the cluster's size when
 *     empty
 * @param configuredMinInSyncReplicas {@code min.insync.replicas} of new topics; the replication
 *     factor less one (at least 1) when empty
 */
public record TopicProvisioner(
    int partitions,
    Optional<Short> configuredReplication,
    Optional<Integer> configuredMinInSyncReplicas) {

  private static final Logger log = LoggerFactory.getLogger(TopicProvisioner.class);

  /**
   * The replication factor new topics get on a cluster of at least this many brokers, unless
   * configured.
   */
  public static final int DEFAULT_MAX_REPLICATION = 3;

  public TopicProvisioner {
    if (partitions < 1) {
      throw new IllegalArgumentException("topic partitions must be at least 1, was " + partitions);
    }
    configuredReplication.ifPresent(
        r -> {
          if (r < 1) {
            throw new IllegalArgumentException("topic replication must be at least 1, was " + r);
          }
        });
    configuredMinInSyncReplicas.ifPresent(
        m -> {
          if (m < 1) {
            throw new IllegalArgumentException(
                "min.insync.replicas of topics must be at least 1, was " + m);
          }
        });
    if (configuredReplication.isPresent() && configuredMinInSyncReplicas.isPresent()) {
      Replication.of(0, configuredReplication, configuredMinInSyncReplicas);
    }
  }

  /**
   * A provisioner with a fixed replication factor and {@code min.insync.replicas} one less (at
   * least 1).
   */
  public TopicProvisioner(int partitions, short replication) {
    this(partitions, Optional.of(replication), Optional.empty());
  }

  /** A provisioner whose replication follows the cluster's size: {@code min(3, brokers)}. */
  public static TopicProvisioner sizedToCluster(int partitions) {
    return new TopicProvisioner(partitions, Optional.empty(), Optional.empty());
  }

  /** The same replication settings with another partition count. */
  public TopicProvisioner withPartitions(int count) {
    return new TopicProvisioner(count, configuredReplication, configuredMinInSyncReplicas);
  }

  /**
   * How many copies of each partition a new topic keeps, and how many must have a write before it
   * is acknowledged to a producer asking for {@code acks=all}.
   */
  public record Replication(short factor, int minInSyncReplicas) {

    public Replication {
      if (factor < 1 || minInSyncReplicas < 1) {
        throw new IllegalArgumentException(
            "replication factor and min.insync.replicas must be at least 1, were "
                + factor
                + " and "
                + minInSyncReplicas);
      }
      if (minInSyncReplicas > factor) {
        throw new IllegalArgumentException(
            "min.insync.replicas "
                + minInSyncReplicas
                + " is more than the replication "
                + "factor "
                + factor
                + ": every write with acks=all would be refused; lower it or raise the replication");
      }
    }

    /**
     * The replication of new topics on a cluster of {@code brokers} brokers: the configured factor,
     * else {@code min(3, brokers)}; the configured {@code min.insync.replicas}, else the factor
     * less one, at least 1.
     */
    public static Replication of(
        int brokers, Optional<Short> factor, Optional<Integer> minInSyncReplicas) {
      short f = factor.orElse((short) Math.max(1, Math.min(DEFAULT_MAX_REPLICATION, brokers)));
      return new Replication(f, minInSyncReplicas.orElse(Math.max(1, f - 1)));
    }
  }

  /**
   * The replication new topics get on the cluster {@code admin} talks to; counts its brokers only
   * when the replication factor is not configured.
   */
  public Replication replication(Admin admin) {
    if (configuredReplication.isPresent()) {
      return Replication.of(0, configuredReplication, configuredMinInSyncReplicas);
    }
    try {
      int brokers = admin.describeCluster().nodes().get(30, TimeUnit.SECONDS).size();
      return Replication.of(brokers, configuredReplication, configuredMinInSyncReplicas);
    } catch (ExecutionException | TimeoutException e) {
      throw new IllegalStateException(
          "could not count the Kafka cluster's brokers to choose the replication of new "
              + "topics (configure the replication factor to skip counting): "
              + e.getMessage(),
          e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while counting the Kafka cluster's brokers", e);
    }
  }

  /** Creates any of {@code names} that do not exist yet, as delete-policy topics. */
  public void ensure(Admin admin, Collection<String> names) {
    ensure(admin, names, Map.of());
  }

  /** Creates any of {@code names} that do not exist yet, as compacted topics. */
  public void ensureCompacted(Admin admin, Collection<String> names) {
    ensure(
        admin,
        names,
        Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT));
  }

  private void ensure(Admin admin, Collection<String> names, Map<String, String> configs) {
    try {
      Set<String> existing = admin.listTopics().names().get(30, TimeUnit.SECONDS);
      List<String> missingNames =
          names.stream().distinct().filter(n -> !existing.contains(n)).toList();
      if (missingNames.isEmpty()) {
        return;
      }
      Replication replication = replication(admin);
      Map<String, String> withReplication = new HashMap<>(configs);
      withReplication.put(
          TopicConfig.MIN_IN_SYNC_REPLICAS_CONFIG,
          Integer.toString(replication.minInSyncReplicas()));
      List<NewTopic> missing = new ArrayList<>();
      for (String name : missingNames) {
        missing.add(new NewTopic(name, partitions, replication.factor()).configs(withReplication));
      }
      for (var entry : admin.createTopics(missing).values().entrySet()) {
        try {
          entry.getValue().get(30, TimeUnit.SECONDS);
          log.info(
              "created topic {} ({} partitions, replication {}, min.insync.replicas {})",
              entry.getKey(),
              partitions,
              replication.factor(),
              replication.minInSyncReplicas());
        } catch (ExecutionException e) {
          if (!(e.getCause() instanceof TopicExistsException)) {
            throw e;
          }
        }
      }
      awaitLeaders(admin, missingNames);
    } catch (ExecutionException | TimeoutException e) {
      throw new IllegalStateException(
          "could not create topics " + names + ": " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while creating topics " + names, e);
    }
  }

  /** Waits until every partition of {@code names} has a leader, for at most a minute. */
  private static void awaitLeaders(Admin admin, List<String> names) throws InterruptedException {
    long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (true) {
      try {
        Map<String, TopicDescription> described =
            admin.describeTopics(names).allTopicNames().get(10, TimeUnit.SECONDS);
        if (described.values().stream()
            .flatMap(d -> d.partitions().stream())
            .allMatch(p -> p.leader() != null && !p.leader().isEmpty())) {
          return;
        }
      } catch (ExecutionException | TimeoutException e) {
        // not known yet where the admin client asked (UnknownTopicOrPartitionException); asked
        // again below
      }
      if (System.nanoTime() > until) {
        throw new IllegalStateException(
            "topics "
                + names
                + " were created but not all their partitions have a leader after 60 s");
      }
      Thread.sleep(100);
    }
  }
}
