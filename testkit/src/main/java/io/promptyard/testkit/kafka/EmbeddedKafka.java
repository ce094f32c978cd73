package io.promptyard.testkit.kafka;

import io.promptyard.schemas.runtime.ScratchDirectory;
import java.nio.file.Path;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.test.TestKitNodes;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A one-node Kafka cluster in KRaft combined mode (broker and controller in one), running inside this JVM
 * from Apache Kafka's own server artifacts, with share groups enabled. Its data lives in a temporary
 * directory that {@link #close()} deletes.
 */
public final class EmbeddedKafka implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(EmbeddedKafka.class);

  private static final String FIXED_LISTENER = "LOCALHOST";

  private final KafkaClusterTestKit cluster;
  private final Path baseDir;
  private final int fixedPort;

  private EmbeddedKafka(KafkaClusterTestKit cluster, Path baseDir, int fixedPort) {
    this.cluster = cluster;
    this.baseDir = baseDir;
    this.fixedPort = fixedPort;
  }

  /** Starts a broker on an ephemeral port. */
  public static EmbeddedKafka start() {
    return start(0);
  }

  /**
   * Starts a broker whose client listener is on {@code localhost:port} (0 picks a free port) and waits
   * until it accepts clients.
   */
  public static EmbeddedKafka start(int port) {
    long started = System.nanoTime();
    Path baseDir = null;
    try {
      baseDir = ScratchDirectory.create("promptyard-kafka-");
      TestKitNodes.Builder nodes = new TestKitNodes.Builder()
          .setCombined(true)
          .setNumBrokerNodes(1)
          .setNumControllerNodes(1)
          .setBaseDirectory(baseDir);
      if (port != 0) {
        // The test kit pre-binds random ports for its own listeners, so a fixed port needs a listener of its
        // own, which the broker binds normally and advertises as localhost:PORT.
        nodes.setPerServerProperties(Map.of(0, Map.of(
            "listeners", "EXTERNAL://localhost:0," + FIXED_LISTENER + "://localhost:" + port + ",CONTROLLER://localhost:0",
            "listener.security.protocol.map", "EXTERNAL:PLAINTEXT," + FIXED_LISTENER + ":PLAINTEXT,CONTROLLER:PLAINTEXT")));
      }
      KafkaClusterTestKit cluster = new KafkaClusterTestKit.Builder(nodes.build())
          .setConfigProp("offsets.topic.replication.factor", "1")
          .setConfigProp("transaction.state.log.replication.factor", "1")
          .setConfigProp("transaction.state.log.min.isr", "1")
          .setConfigProp("share.coordinator.state.topic.replication.factor", "1")
          .setConfigProp("share.coordinator.state.topic.min.isr", "1")
          .setConfigProp("group.initial.rebalance.delay.ms", "0")
          .setConfigProp("num.partitions", "3")
          .setConfigProp("auto.create.topics.enable", "false")
          // Tests replay records stamped at fixed instants, past or future, whatever today's date: the broker
          // accepts any timestamp and deletes nothing by age (its data lives in a scratch directory anyway).
          .setConfigProp("log.message.timestamp.after.max.ms", String.valueOf(Long.MAX_VALUE))
          .setConfigProp("log.retention.ms", "-1")
          .setDeleteOnClose(true)
          .build();
      formatQuietly(cluster);
      cluster.startup();
      cluster.waitForReadyBrokers();
      EmbeddedKafka kafka = new EmbeddedKafka(cluster, baseDir, port);
      log.info("Embedded Kafka broker ready at {} in {} ms", kafka.bootstrapServers(), (System.nanoTime() - started) / 1_000_000);
      return kafka;
    } catch (Exception e) {
      ScratchDirectory.delete(baseDir);
      if (e instanceof InterruptedException) {
        Thread.currentThread().interrupt();
      }
      throw new IllegalStateException("could not start the embedded Kafka broker"
          + (port != 0 ? " on port " + port + " (is another broker already listening there?)" : "") + ": " + e, e);
    }
  }

  /**
   * Formats the storage directories. Kafka's formatter prints its bootstrap metadata to standard output,
   * which would end up in the output of {@code promptyard dev}; it is silenced for the duration.
   */
  private static void formatQuietly(KafkaClusterTestKit cluster) throws Exception {
    java.io.PrintStream stdout = System.out;
    synchronized (System.class) {
      System.setOut(new java.io.PrintStream(java.io.OutputStream.nullOutputStream()));
      try {
        cluster.format();
      } finally {
        System.setOut(stdout);
      }
    }
  }

  /** The bootstrap servers clients connect to, e.g. {@code localhost:9092}. */
  public String bootstrapServers() {
    return fixedPort != 0 ? "localhost:" + fixedPort : cluster.bootstrapServers();
  }

  /** A new admin client for this broker; the caller closes it. */
  public Admin admin() {
    return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers()));
  }

  @Override
  public void close() {
    try {
      cluster.close();
    } catch (Exception e) {
      log.warn("Embedded Kafka broker did not shut down cleanly: {}", e.toString());
    } finally {
      ScratchDirectory.delete(baseDir);
    }
  }

}
