package io.promptyard.schemas.topics;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates the topics a service owns when they are missing, with the configured partitions and replication;
 * existing topics are left as they are.
 *
 * @param partitions partitions for new topics
 * @param replication replication factor for new topics
 */
public record TopicProvisioner(int partitions, short replication) {

  private static final Logger log = LoggerFactory.getLogger(TopicProvisioner.class);

  public TopicProvisioner {
    if (partitions < 1) {
      throw new IllegalArgumentException("topic partitions must be at least 1, was " + partitions);
    }
    if (replication < 1) {
      throw new IllegalArgumentException("topic replication must be at least 1, was " + replication);
    }
  }

  /** Creates any of {@code names} that do not exist yet, as delete-policy topics. */
  public void ensure(Admin admin, Collection<String> names) {
    ensure(admin, names, Map.of());
  }

  /** Creates any of {@code names} that do not exist yet, as compacted topics. */
  public void ensureCompacted(Admin admin, Collection<String> names) {
    ensure(admin, names, Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT));
  }

  private void ensure(Admin admin, Collection<String> names, Map<String, String> configs) {
    try {
      Set<String> existing = admin.listTopics().names().get(30, TimeUnit.SECONDS);
      List<NewTopic> missing = new ArrayList<>();
      for (String name : Set.copyOf(names)) {
        if (!existing.contains(name)) {
          missing.add(new NewTopic(name, partitions, replication).configs(configs));
        }
      }
      if (missing.isEmpty()) {
        return;
      }
      for (var entry : admin.createTopics(missing).values().entrySet()) {
        try {
          entry.getValue().get(30, TimeUnit.SECONDS);
          log.info("created topic {} ({} partitions, replication {})", entry.getKey(), partitions, replication);
        } catch (ExecutionException e) {
          if (!(e.getCause() instanceof TopicExistsException)) {
            throw e;
          }
        }
      }
    } catch (ExecutionException | TimeoutException e) {
      throw new IllegalStateException("could not create topics " + names + ": " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while creating topics " + names, e);
    }
  }
}
