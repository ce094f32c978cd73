package io.promptyard.testkit.kafka;

import io.promptyard.schemas.runtime.ScratchDirectory;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.ScramCredentialInfo;
import org.apache.kafka.clients.admin.ScramMechanism;
import org.apache.kafka.clients.admin.UserScramCredentialUpsertion;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.ResourceNotFoundException;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.test.TestKitNodes;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Kafka cluster in KRaft mode running inside this JVM from Apache Kafka's own server artifacts
 * (its test kit, {@link KafkaClusterTestKit}), with share groups enabled: one node that is broker
 * and controller in one, or several brokers with a controller of their own, whose brokers can be
 * stopped and started again on the same ports and log directories. Its data lives in a temporary
 * directory that {@link #close()} deletes.
 *
 * <p>{@linkplain #startSecured() Secured}, its clients connect with SASL_SSL and SCRAM-SHA-512 as
 * users {@linkplain #addUser added} at test time, and may do only what ACLs allow them.
 *
 * <p>Under {@code -Pcontainers}, the {@link KafkaBrokerExtension} hands tests an instance
 * {@linkplain #attached attached} to a broker in a container instead: it offers what a client of
 * any broker has ({@link #bootstrapServers()}, {@link #admin()}, {@link #shareRecordLock}), and
 * refuses what needs the in-process cluster (stopping brokers, users, its data directory).
 */
public final class EmbeddedKafka implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(EmbeddedKafka.class);

  private static final String FIXED_LISTENER = "LOCALHOST";

  private static final String TEST_KIT_BROKER_LISTENER = "EXTERNAL";
  private static final String TEST_KIT_CONTROLLER_LISTENER = "CONTROLLER";

  private static final Map<String, String> SINGLE_NODE_REPLICATION =
      Map.of(
          "offsets.topic.replication.factor", "1",
          "transaction.state.log.replication.factor", "1",
          "transaction.state.log.min.isr", "1",
          "share.coordinator.state.topic.replication.factor", "1",
          "share.coordinator.state.topic.min.isr", "1");

  /** Null when {@linkplain #attached attached} to a broker elsewhere. */
  private final KafkaClusterTestKit cluster;

  /** The bootstrap servers of the broker elsewhere this instance is attached to, or null. */
  private final String attachedTo;

  private final Path baseDir;
  private final int fixedPort;
  private final Optional<SaslSslListener> secured;

  private EmbeddedKafka(
      KafkaClusterTestKit cluster, Path baseDir, int fixedPort, Optional<SaslSslListener> secured) {
    this.cluster = cluster;
    this.attachedTo = null;
    this.baseDir = baseDir;
    this.fixedPort = fixedPort;
    this.secured = secured;
  }

  private EmbeddedKafka(String attachedTo) {
    this.cluster = null;
    this.attachedTo = attachedTo;
    this.baseDir = null;
    this.fixedPort = 0;
    this.secured = Optional.empty();
  }

  /**
   * A handle on a running broker that this JVM did not start (a container's): its clients work,
   * what needs the in-process cluster fails saying so, and {@link #close()} leaves the broker be.
   */
  static EmbeddedKafka attached(String bootstrapServers) {
    return new EmbeddedKafka(bootstrapServers);
  }

  /** Starts a broker on an ephemeral port. */
  public static EmbeddedKafka start() {
    return start(0);
  }

  /**
   * Starts {@code brokers} brokers on ephemeral ports and one controller, and waits until every
   * broker accepts clients. Kafka's own topics (consumer offsets, transaction state, share-group
   * state) get replication factor {@code min(3, brokers)} and {@code min.insync.replicas} one less
   * (at least 1). A {@linkplain #stopBroker stopped} broker goes away as a crashed one does,
   * without handing over its partitions first: the controller fences it once its heartbeats stop.
   */
  public static EmbeddedKafka startCluster(int brokers) {
    if (brokers < 1) {
      throw new IllegalArgumentException("a cluster needs at least one broker, was " + brokers);
    }
    int replication = Math.min(3, brokers);
    String minInSync = Integer.toString(Math.max(1, replication - 1));
    return start(
        new TestKitNodes.Builder()
            .setCombined(false)
            .setNumBrokerNodes(brokers)
            .setNumControllerNodes(1),
        Map.of(
            "offsets.topic.replication.factor",
            Integer.toString(replication),
            "transaction.state.log.replication.factor",
            Integer.toString(replication),
            "transaction.state.log.min.isr",
            minInSync,
            "share.coordinator.state.topic.replication.factor",
            Integer.toString(replication),
            "share.coordinator.state.topic.min.isr",
            minInSync,
            "controlled.shutdown.enable",
            "false",
            // how long the controller waits for a silent broker's heartbeat before fencing it
            // (default 9 s)
            "broker.session.timeout.ms",
            "4000",
            "broker.heartbeat.interval.ms",
            "1000"),
        0,
        Optional.empty());
  }

  /**
   * Starts a broker whose client listener is on {@code localhost:port} (0 picks a free port) and
   * waits until it accepts clients.
   */
  public static EmbeddedKafka start(int port) {
    TestKitNodes.Builder nodes =
        new TestKitNodes.Builder().setCombined(true).setNumBrokerNodes(1).setNumControllerNodes(1);
    if (port != 0) {
      // The test kit pre-binds random ports for its own listeners, so a fixed port needs a listener
      // of its own, which the broker binds normally and advertises as localhost:PORT.
      nodes.setPerServerProperties(
          Map.of(
              0,
              Map.of(
                  "listeners",
                      TEST_KIT_BROKER_LISTENER
                          + "://localhost:0,"
                          + FIXED_LISTENER
                          + "://localhost:"
                          + port
                          + ","
                          + TEST_KIT_CONTROLLER_LISTENER
                          + "://localhost:0",
                  "listener.security.protocol.map",
                      TEST_KIT_BROKER_LISTENER
                          + ":PLAINTEXT,"
                          + FIXED_LISTENER
                          + ":PLAINTEXT,"
                          + TEST_KIT_CONTROLLER_LISTENER
                          + ":PLAINTEXT")));
    }
    return start(nodes, SINGLE_NODE_REPLICATION, port, Optional.empty());
  }

  /**
   * Starts a single-node broker whose client listener ({@link #bootstrapServers()}) takes only
   * SASL_SSL with SCRAM-SHA-512, over TLS from a certificate authority generated now (clients trust
   * it through {@link #clientProperties}). Authorization is Kafka's {@code StandardAuthorizer} with
   * {@code allow.everyone.if.no.acl.found=false}: a user may do only what an ACL allows, except the
   * super user of {@link #adminProperties()}.
   *
   * <p>Broker-to-controller traffic stays PLAINTEXT, on the test kit's listeners that clients are
   * not given: KRaft can only bootstrap SCRAM credentials when storage is formatted, which the test
   * kit does not offer, so the broker could not otherwise register before any user exists. Users
   * are created afterwards over that listener with {@code Admin.alterUserScramCredentials}.
   */
  public static EmbeddedKafka startSecured() {
    SaslSslListener listener = SaslSslListener.create();
    Map<String, String> properties = new HashMap<>(SINGLE_NODE_REPLICATION);
    properties.putAll(
        listener.brokerProperties(TEST_KIT_BROKER_LISTENER, TEST_KIT_CONTROLLER_LISTENER));
    EmbeddedKafka kafka;
    try {
      kafka =
          start(
              new TestKitNodes.Builder()
                  .setCombined(true)
                  .setNumBrokerNodes(1)
                  .setNumControllerNodes(1),
              properties,
              0,
              Optional.of(listener));
    } catch (RuntimeException e) {
      listener.close();
      throw e;
    }
    try {
      kafka.addUser(SaslSslListener.ADMIN, listener.adminPassword());
      return kafka;
    } catch (RuntimeException e) {
      kafka.close();
      throw e;
    }
  }

  private static EmbeddedKafka start(
      TestKitNodes.Builder nodes,
      Map<String, String> clusterProperties,
      int port,
      Optional<SaslSslListener> secured) {
    long started = System.nanoTime();
    Path baseDir = null;
    try {
      baseDir = ScratchDirectory.create("promptyard-kafka-");
      KafkaClusterTestKit.Builder builder =
          new KafkaClusterTestKit.Builder(nodes.setBaseDirectory(baseDir).build())
              .setConfigProp("group.initial.rebalance.delay.ms", "0")
              .setConfigProp("num.partitions", "3")
              .setConfigProp("auto.create.topics.enable", "false")
              // Tests replay records stamped at fixed instants, past or future, whatever today's
              // date: the broker accepts any timestamp and deletes nothing by age (its data lives
              // in a scratch directory anyway).
              .setConfigProp("log.message.timestamp.after.max.ms", String.valueOf(Long.MAX_VALUE))
              .setConfigProp("log.retention.ms", "-1")
              .setDeleteOnClose(true);
      clusterProperties.forEach(builder::setConfigProp);
      KafkaClusterTestKit cluster = builder.build();
      formatQuietly(cluster);
      cluster.startup();
      cluster.waitForReadyBrokers();
      EmbeddedKafka kafka = new EmbeddedKafka(cluster, baseDir, port, secured);
      log.info(
          "Embedded Kafka ({} broker{}) ready at {} in {} ms",
          cluster.brokers().size(),
          cluster.brokers().size() == 1 ? "" : "s",
          kafka.bootstrapServers(),
          (System.nanoTime() - started) / 1_000_000);
      return kafka;
    } catch (Exception e) {
      ScratchDirectory.delete(baseDir);
      if (e instanceof InterruptedException) {
        Thread.currentThread().interrupt();
      }
      throw new IllegalStateException(
          "could not start the embedded Kafka broker"
              + (port != 0
                  ? " on port " + port + " (is another broker already listening there?)"
                  : "")
              + ": "
              + e,
          e);
    }
  }

  /**
   * Formats the storage directories. Kafka's formatter prints its bootstrap metadata to standard
   * output, which would end up in the output of {@code promptyard dev}; it is silenced for the
   * duration.
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

  /**
   * The bootstrap servers clients connect to, e.g. {@code localhost:9092}; on a secured broker, its
   * SASL_SSL listener.
   */
  public String bootstrapServers() {
    if (attachedTo != null) {
      return attachedTo;
    }
    if (secured.isPresent()) {
      return "localhost:" + broker(0).boundPort(SaslSslListener.NAME);
    }
    return fixedPort != 0 ? "localhost:" + fixedPort : cluster.bootstrapServers();
  }

  /**
   * The scratch directory this broker keeps its logs and metadata in; {@link #close()} deletes it.
   */
  public Path dataDirectory() {
    cluster();
    return baseDir;
  }

  /**
   * Creates (or changes the password of) a SCRAM-SHA-512 user of this secured broker, and returns
   * once the broker knows it. The user may do nothing until an ACL allows it.
   */
  public void addUser(String name, String password) {
    securedListener();
    try (Admin internal =
        Admin.create(
            Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, cluster().bootstrapServers()))) {
      internal
          .alterUserScramCredentials(
              List.of(
                  new UserScramCredentialUpsertion(
                      name, new ScramCredentialInfo(ScramMechanism.SCRAM_SHA_512, 4096), password)))
          .all()
          .get(30, TimeUnit.SECONDS);
      awaitUser(internal, name);
    } catch (Exception e) {
      if (e instanceof InterruptedException) {
        Thread.currentThread().interrupt();
      }
      throw new IllegalStateException("could not add SCRAM user " + name + ": " + e, e);
    }
  }

  /** The credentials reach the broker through its metadata log, shortly after the write. */
  private static void awaitUser(Admin admin, String name) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (true) {
      try {
        admin.describeUserScramCredentials(List.of(name)).all().get(30, TimeUnit.SECONDS);
        return;
      } catch (ExecutionException e) {
        if (!(e.getCause() instanceof ResourceNotFoundException) || System.nanoTime() > deadline) {
          throw e;
        }
        Thread.sleep(50);
      }
    }
  }

  /**
   * The client settings (security protocol, SASL mechanism and JAAS login, trust store) to log in
   * to this secured broker as {@code user}; bootstrap servers not included. The password goes into
   * a JAAS string in double quotes, so it must not contain one.
   */
  public Map<String, Object> clientProperties(String user, String password) {
    return securedListener().clientProperties(user, password);
  }

  /** The client settings of the super user of this secured broker, who may do anything. */
  public Map<String, Object> adminProperties() {
    SaslSslListener listener = securedListener();
    return listener.clientProperties(SaslSslListener.ADMIN, listener.adminPassword());
  }

  private SaslSslListener securedListener() {
    return secured.orElseThrow(
        () ->
            new IllegalStateException(
                "this broker has no users: start it with EmbeddedKafka.startSecured()"));
  }

  /** The ids of the brokers, running or stopped. */
  public java.util.SortedSet<Integer> brokerIds() {
    return new java.util.TreeSet<>(cluster().brokers().keySet());
  }

  /**
   * Stops one broker as a crash would, keeping its log directories and port: clients lose their
   * connections to it, and its partitions move to other replicas once the controller has fenced it.
   */
  public void stopBroker(int id) {
    broker(id).shutdown();
    log.info("Embedded Kafka broker {} stopped", id);
  }

  /**
   * Starts a stopped broker again, on its former port and log directories, and waits until the
   * controller has let it serve (unfenced it); the other brokers may be running or stopped.
   */
  public void startBroker(int id) {
    kafka.server.BrokerServer broker = broker(id);
    broker.startup();
    try {
      broker
          .lifecycleManager()
          .initialUnfenceFuture()
          .get(60, java.util.concurrent.TimeUnit.SECONDS);
    } catch (Exception e) {
      if (e instanceof InterruptedException) {
        Thread.currentThread().interrupt();
      }
      throw new IllegalStateException(
          "embedded Kafka broker " + id + " did not become ready again within 60 s: " + e, e);
    }
    log.info("Embedded Kafka broker {} started again", id);
  }

  private kafka.server.BrokerServer broker(int id) {
    kafka.server.BrokerServer broker = cluster().brokers().get(id);
    if (broker == null) {
      throw new IllegalArgumentException(
          "no broker " + id + " in this cluster; its brokers are " + brokerIds());
    }
    return broker;
  }

  private KafkaClusterTestKit cluster() {
    if (cluster == null) {
      throw new IllegalStateException(
          "this test needs the in-process broker, and runs on the broker at "
              + attachedTo
              + " (-Pcontainers): mark its class @InProcessBrokerOnly");
    }
    return cluster;
  }

  /** A new admin client for this broker, the super user on a secured one; the caller closes it. */
  public Admin admin() {
    Map<String, Object> properties =
        new HashMap<>(secured.isPresent() ? adminProperties() : Map.of());
    properties.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
    return Admin.create(properties);
  }

  /**
   * Sets a share group's acquisition lock ({@code share.record.lock.duration.ms}), no shorter than
   * the broker's minimum (15 s by default): how long a record delivered to a consumer that died
   * waits before another consumer gets it.
   */
  public void shareRecordLock(String group, java.time.Duration lock) throws Exception {
    try (Admin admin = admin()) {
      admin
          .incrementalAlterConfigs(
              Map.of(
                  new ConfigResource(ConfigResource.Type.GROUP, group),
                  List.of(
                      new AlterConfigOp(
                          new ConfigEntry(
                              "share.record.lock.duration.ms", Long.toString(lock.toMillis())),
                          AlterConfigOp.OpType.SET))))
          .all()
          .get(30, TimeUnit.SECONDS);
    }
  }

  @Override
  public void close() {
    if (cluster == null) {
      return;
    }
    try {
      cluster.close();
    } catch (Exception e) {
      log.warn("Embedded Kafka broker did not shut down cleanly: {}", e.toString());
    } finally {
      ScratchDirectory.delete(baseDir);
      secured.ifPresent(SaslSslListener::close);
    }
  }
}
