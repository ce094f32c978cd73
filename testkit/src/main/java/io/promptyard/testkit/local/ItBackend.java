package io.promptyard.testkit.local;

import io.promptyard.testkit.containers.ContainerServices;
import java.net.URI;

/**
 * Where the integration tests find Kafka and Redis: the one switch between the in-process broker
 * with the local Redis (the default) and containers ({@code -Pcontainers}, which sets the system
 * property {@code promptyard.it.kafka=container}).
 */
public final class ItBackend {

  /** The system property the build sets: {@code embedded} (default) or {@code container}. */
  public static final String PROPERTY = "promptyard.it.kafka";

  private ItBackend() {}

  /** Whether this test JVM runs against containers ({@code -Pcontainers}). */
  public static boolean containers() {
    String value = System.getProperty(PROPERTY, "embedded");
    return switch (value) {
      case "embedded" -> false;
      case "container" -> true;
      default ->
          throw new IllegalStateException(
              PROPERTY + " is '" + value + "': it takes embedded (default) or container");
    };
  }

  /** The bootstrap servers of this JVM's Kafka container, started on first use. */
  public static String containerKafka() {
    try {
      return ContainerServices.kafkaBootstrapServers();
    } catch (NoClassDefFoundError e) {
      throw withoutTestcontainers(e);
    }
  }

  /**
   * The Redis the tests use: under {@code -Pcontainers} started in a container on 127.0.0.1:6379
   * unless one answers there already; otherwise the local one, looked for there.
   */
  public static URI redisUri() {
    if (containers()) {
      try {
        return ContainerServices.redisUri();
      } catch (NoClassDefFoundError e) {
        throw withoutTestcontainers(e);
      }
    }
    return URI.create("redis://127.0.0.1:6379");
  }

  /** Whether a Redis answers on 127.0.0.1:6379. */
  public static boolean redisAnswers() {
    return LocalService.redisAnswers("127.0.0.1", 6379);
  }

  private static IllegalStateException withoutTestcontainers(NoClassDefFoundError e) {
    return new IllegalStateException(
        PROPERTY
            + "=container needs Testcontainers on the test class path: run with -Pcontainers ("
            + e.getMessage()
            + " is missing)",
        e);
  }
}
