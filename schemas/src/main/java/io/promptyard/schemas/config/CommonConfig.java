package io.promptyard.schemas.config;

import io.promptyard.schemas.topics.TopicProvisioner;
import io.promptyard.schemas.topics.Topics;
import java.util.List;
import java.util.Optional;

/**
 * The configuration every service shares: where Kafka is and how topics are named and created.
 *
 * @param bootstrapServers Kafka bootstrap servers
 * @param topics topic names under the configured prefix
 * @param provisioner partitions and replication for topics this service creates
 */
public record CommonConfig(String bootstrapServers, Topics topics, TopicProvisioner provisioner) {

  public static final ConfigKey BOOTSTRAP_SERVERS =
      new ConfigKey(
          "PROMPTYARD_BOOTSTRAP_SERVERS",
          "localhost:9092",
          "Kafka bootstrap servers, host:port[,host:port]");
  public static final ConfigKey TOPIC_PREFIX =
      new ConfigKey(
          "PROMPTYARD_TOPIC_PREFIX",
          Topics.DEFAULT_PREFIX,
          "prefix of every Promptyard topic name");
  public static final ConfigKey TOPIC_PARTITIONS =
      new ConfigKey(
          "PROMPTYARD_TOPIC_PARTITIONS",
          "6",
          "partitions of topics a service creates when they are missing");
  public static final ConfigKey TOPIC_REPLICATION =
      new ConfigKey(
          "PROMPTYARD_TOPIC_REPLICATION",
          null,
          "replication factor of topics a service creates (Kafka Streams' internal topics too); min(3, brokers) when unset");
  public static final ConfigKey TOPIC_MIN_INSYNC_REPLICAS =
      new ConfigKey(
          "PROMPTYARD_TOPIC_MIN_INSYNC_REPLICAS",
          null,
          "min.insync.replicas of topics a service creates; the replication factor less one (at least 1) when unset");

  /** The keys above, for documentation and checks. */
  public static final List<ConfigKey> KEYS =
      List.of(
          BOOTSTRAP_SERVERS,
          TOPIC_PREFIX,
          TOPIC_PARTITIONS,
          TOPIC_REPLICATION,
          TOPIC_MIN_INSYNC_REPLICAS);

  public static CommonConfig from(Settings s) {
    Topics topics;
    try {
      topics = new Topics(s.get(TOPIC_PREFIX).orElse(""));
    } catch (IllegalArgumentException e) {
      throw new ConfigException(TOPIC_PREFIX.name() + ": " + e.getMessage());
    }
    // Kafka takes a short; a cast of a larger value would silently turn 70000 into 4464.
    Optional<Short> replication =
        s.optionalInt(TOPIC_REPLICATION, 1, Short.MAX_VALUE).map(Integer::shortValue);
    Optional<Integer> minInSync = s.optionalInt(TOPIC_MIN_INSYNC_REPLICAS, 1, Integer.MAX_VALUE);
    try {
      return new CommonConfig(
          s.require(BOOTSTRAP_SERVERS),
          topics,
          new TopicProvisioner(s.intValue(TOPIC_PARTITIONS, 1), replication, minInSync));
    } catch (IllegalArgumentException e) {
      throw new ConfigException(
          TOPIC_MIN_INSYNC_REPLICAS.name()
              + " and "
              + TOPIC_REPLICATION.name()
              + ": "
              + e.getMessage());
    }
  }
}
