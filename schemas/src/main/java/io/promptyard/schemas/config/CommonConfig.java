package io.promptyard.schemas.config;

import io.promptyard.schemas.topics.TopicProvisioner;
import io.promptyard.schemas.topics.Topics;
import java.util.List;

/**
 * The configuration every service shares: where Kafka is and how topics are named and created.
 *
 * @param bootstrapServers Kafka bootstrap servers
 * @param topics topic names under the configured prefix
 * @param provisioner partitions and replication for topics this service creates
 */
public record CommonConfig(String bootstrapServers, Topics topics, TopicProvisioner provisioner) {

  public static final ConfigKey BOOTSTRAP_SERVERS =
      new ConfigKey("PROMPTYARD_BOOTSTRAP_SERVERS", "localhost:9092", "Kafka bootstrap servers, host:port[,host:port]");
  public static final ConfigKey TOPIC_PREFIX =
      new ConfigKey("PROMPTYARD_TOPIC_PREFIX", Topics.DEFAULT_PREFIX, "prefix of every Promptyard topic name");
  public static final ConfigKey TOPIC_PARTITIONS =
      new ConfigKey("PROMPTYARD_TOPIC_PARTITIONS", "6", "partitions of topics a service creates when they are missing");
  public static final ConfigKey TOPIC_REPLICATION =
      new ConfigKey("PROMPTYARD_TOPIC_REPLICATION", "1", "replication factor of topics a service creates");

  /** The keys above, for documentation and checks. */
  public static final List<ConfigKey> KEYS = List.of(BOOTSTRAP_SERVERS, TOPIC_PREFIX, TOPIC_PARTITIONS, TOPIC_REPLICATION);

  public static CommonConfig from(Settings s) {
    Topics topics;
    try {
      topics = new Topics(s.get(TOPIC_PREFIX).orElse(""));
    } catch (IllegalArgumentException e) {
      throw new ConfigException(TOPIC_PREFIX.name() + ": " + e.getMessage());
    }
    int replication = s.intValue(TOPIC_REPLICATION, 1);
    if (replication > Short.MAX_VALUE) {
      // Kafka takes a short; a cast would silently turn 70000 into 4464.
      throw new ConfigException(TOPIC_REPLICATION.name() + "=" + replication + " must be at most " + Short.MAX_VALUE
          + ": " + TOPIC_REPLICATION.doc());
    }
    return new CommonConfig(s.require(BOOTSTRAP_SERVERS), topics,
        new TopicProvisioner(s.intValue(TOPIC_PARTITIONS, 1), (short) replication));
  }
}
