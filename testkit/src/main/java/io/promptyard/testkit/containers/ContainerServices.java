package io.promptyard.testkit.containers;

import io.promptyard.testkit.local.ItBackend;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.FeatureUpdate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.FixedHostPortGenericContainer;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.kafka.KafkaContainer;

/**
 * Kafka (the official {@code apache/kafka} image of the Kafka version the project builds with) and
 * Redis ({@code redis:7-alpine}) in containers, for the integration tests under {@code
 * -Pcontainers}: each is started once per test JVM, on first use, and removed by Testcontainers
 * when the JVM ends. Without a Docker engine, every call fails at once with the same message.
 *
 * <p>Redis is published on 127.0.0.1:6379, where the tests look for it; where a Redis already
 * answers there, it is used and no container is started.
 */
public final class ContainerServices {

  private static final Logger log = LoggerFactory.getLogger(ContainerServices.class);

  /**
   * Set by the build (the Failsafe configuration of the root pom) to apache/kafka:KAFKA_VERSION.
   */
  private static final String KAFKA_IMAGE =
      System.getProperty("promptyard.kafka.image", "apache/kafka:4.3.1");

  private static final String REDIS_IMAGE = "redis:7-alpine";

  private static final int REDIS_PORT = 6379;

  private static String kafka;
  private static boolean redis;
  private static RuntimeException noDocker;

  private ContainerServices() {}

  /** The bootstrap servers of this JVM's Kafka container, started now if it is not yet. */
  public static synchronized String kafkaBootstrapServers() {
    if (kafka == null) {
      requireDocker();
      KafkaContainer container =
          new KafkaContainer(KAFKA_IMAGE)
              // as the in-process broker (EmbeddedKafka) is configured
              .withEnv("KAFKA_NUM_PARTITIONS", "3")
              .withEnv("KAFKA_AUTO_CREATE_TOPICS_ENABLE", "false")
              .withEnv("KAFKA_GROUP_INITIAL_REBALANCE_DELAY_MS", "0")
              .withEnv("KAFKA_LOG_MESSAGE_TIMESTAMP_AFTER_MAX_MS", String.valueOf(Long.MAX_VALUE))
              .withEnv("KAFKA_LOG_RETENTION_MS", "-1")
              .withEnv("KAFKA_SHARE_COORDINATOR_STATE_TOPIC_REPLICATION_FACTOR", "1")
              .withEnv("KAFKA_SHARE_COORDINATOR_STATE_TOPIC_MIN_ISR", "1")
              .withStartupTimeout(Duration.ofMinutes(2));
      container.start();
      enableShareGroups(container.getBootstrapServers());
      kafka = container.getBootstrapServers();
      log.info("Kafka container {} ready at {}", KAFKA_IMAGE, kafka);
    }
    return kafka;
  }

  /** The URI of the Redis the tests use, redis://127.0.0.1:6379, started now if it is not yet. */
  public static synchronized URI redisUri() {
    if (!redis) {
      if (!ItBackend.redisAnswers()) {
        requireDocker();
        @SuppressWarnings({"resource", "deprecation"}) // removed by Testcontainers at JVM exit
        GenericContainer<?> container =
            new FixedHostPortGenericContainer<>(REDIS_IMAGE)
                .withFixedExposedPort(REDIS_PORT, REDIS_PORT)
                .withCommand("redis-server", "--save", "", "--appendonly", "no");
        container.start();
        log.info("Redis container {} ready on 127.0.0.1:{}", REDIS_IMAGE, REDIS_PORT);
      }
      redis = true;
    }
    return URI.create("redis://127.0.0.1:" + REDIS_PORT);
  }

  /**
   * Share groups (the workers' default job source) are a feature the cluster turns on; the
   * in-process broker has every feature at its latest level.
   */
  private static void enableShareGroups(String bootstrapServers) {
    try (Admin admin =
        Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers))) {
      admin
          .updateFeatures(
              Map.of(
                  "share.version", new FeatureUpdate((short) 1, FeatureUpdate.UpgradeType.UPGRADE)),
              new org.apache.kafka.clients.admin.UpdateFeaturesOptions())
          .all()
          .get(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      if (e instanceof InterruptedException) {
        Thread.currentThread().interrupt();
      }
      // already on (newer images) or refused: the share-group tests then say why they fail
      log.info("share.version=1 not set on {}: {}", bootstrapServers, e.toString());
    }
  }

  private static void requireDocker() {
    if (noDocker == null && !DockerClientFactory.instance().isDockerAvailable()) {
      noDocker =
          new IllegalStateException(
              "-Pcontainers needs a Docker engine: Testcontainers found none (it looks at"
                  + " DOCKER_HOST, ~/.testcontainers.properties and /var/run/docker.sock)."
                  + " Start Docker, or run the integration tests without -Pcontainers to use the"
                  + " in-process broker and the local Redis.");
    }
    if (noDocker != null) {
      throw noDocker;
    }
  }
}
