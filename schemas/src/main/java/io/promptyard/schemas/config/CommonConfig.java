package io.promptyard.schemas.config;

import io.promptyard.schemas.topics.TopicProvisioner;
import io.promptyard.schemas.topics.Topics;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The configuration every service shares: where Kafka is, how to connect to it, and how topics are
 * named and created.
 *
 * @param bootstrapServers Kafka bootstrap servers
 * @param topics topic names under the configured prefix
 * @param provisioner partitions and replication for topics this service creates
 * @param kafka the operator's Kafka client properties (security, timeouts) for every client
 */
public record CommonConfig(
    String bootstrapServers,
    Topics topics,
    TopicProvisioner provisioner,
    KafkaClientProperties kafka) {

  private static final Logger log = LoggerFactory.getLogger(CommonConfig.class);

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
  public static final ConfigKey LOG_FORMAT =
      new ConfigKey(
          "PROMPTYARD_LOG_FORMAT",
          "text",
          "log line format: text, or json (one JSON object a line, with a job's request id, team, provider, attempt and trace id); logback reads it, the service checks it");

  public static final ConfigKey WIRE_FORMAT =
      new ConfigKey(
          "PROMPTYARD_WIRE_FORMAT",
          "single-object",
          "how Avro records are written on topics: single-object (Avro single-object encoding) or schema-registry (magic byte 0 and a schema id, registered under <topic>-value); records in either are read");
  public static final ConfigKey SCHEMA_REGISTRY_URL =
      new ConfigKey(
          "PROMPTYARD_SCHEMA_REGISTRY_URL",
          null,
          "URL of a Confluent-compatible schema registry (http[s]://[user:password@]host:port[/path]); needed to write the schema-registry format, and to read it");

  /** The keys above and {@link KafkaClientProperties#KEYS}, for documentation and checks. */
  public static final List<ConfigKey> KEYS =
      Stream.concat(
              Stream.of(
                  BOOTSTRAP_SERVERS,
                  TOPIC_PREFIX,
                  TOPIC_PARTITIONS,
                  TOPIC_REPLICATION,
                  TOPIC_MIN_INSYNC_REPLICAS,
                  LOG_FORMAT,
                  WIRE_FORMAT,
                  SCHEMA_REGISTRY_URL),
              KafkaClientProperties.KEYS.stream())
          .toList();

  /** Without Kafka client properties: a broker that needs no security settings (dev, tests). */
  public CommonConfig(String bootstrapServers, Topics topics, TopicProvisioner provisioner) {
    this(bootstrapServers, topics, provisioner, KafkaClientProperties.NONE);
  }

  /**
   * What every Kafka client of the service starts from: the operator's properties and the bootstrap
   * servers, which they may not change.
   */
  public KafkaClientProperties kafkaClient() {
    return kafka.with("bootstrap.servers", bootstrapServers);
  }

  /** A Kafka client's configuration: {@link #kafkaClient()}, then {@code own} over it. */
  public Map<String, Object> clientConfig(Map<String, ?> own) {
    return kafkaClient().clientConfig(own);
  }

  public static CommonConfig from(Settings s) {
    // logback picks its appender by this exact value and logs nothing for another one: refuse it.
    String format = s.source().get(LOG_FORMAT.name());
    if (format != null && !format.equals("text") && !format.equals("json")) {
      throw new ConfigException(
          LOG_FORMAT.name() + "=" + format + " is not text or json: " + LOG_FORMAT.doc());
    }
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
    KafkaClientProperties kafka = KafkaClientProperties.from(s.source());
    if (!kafka.values().isEmpty()) {
      log.info("Kafka client properties: {}", kafka.redacted());
    }
    try {
      return new CommonConfig(
          s.require(BOOTSTRAP_SERVERS),
          topics,
          new TopicProvisioner(s.intValue(TOPIC_PARTITIONS, 1), replication, minInSync),
          kafka);
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
