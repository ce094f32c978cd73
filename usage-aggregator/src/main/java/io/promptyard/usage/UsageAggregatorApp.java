package io.promptyard.usage;

import io.promptyard.schemas.UsageTotals;
import io.promptyard.schemas.config.CommonConfig;
import io.promptyard.schemas.config.Settings;
import io.promptyard.schemas.topics.Topics;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import io.promptyard.schemas.runtime.ScratchDirectory;
import io.promptyard.schemas.runtime.Services;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The usage aggregator service: runs {@link UsageTopology} with exactly-once v2 and answers queries on its totals. */
public final class UsageAggregatorApp implements AutoCloseable {

  public static final io.promptyard.schemas.config.ConfigKey STATE_DIR = new io.promptyard.schemas.config.ConfigKey(
      "PROMPTYARD_STATE_DIR", "/var/lib/promptyard/usage", "directory of the aggregator's state stores");
  public static final io.promptyard.schemas.config.ConfigKey APPLICATION_ID = new io.promptyard.schemas.config.ConfigKey(
      "PROMPTYARD_USAGE_APPLICATION_ID", "promptyard-usage-aggregator", "Kafka Streams application id of the aggregator");

  /** The aggregator's own keys; {@link CommonConfig#KEYS} apply too. */
  public static final List<io.promptyard.schemas.config.ConfigKey> KEYS = List.of(STATE_DIR, APPLICATION_ID);

  private static final Logger log = LoggerFactory.getLogger(UsageAggregatorApp.class);

  private final KafkaStreams streams;
  private final Path stateDir;
  private final boolean deleteStateOnClose;

  private UsageAggregatorApp(KafkaStreams streams, Path stateDir, boolean deleteStateOnClose) {
    this.streams = streams;
    this.stateDir = stateDir;
    this.deleteStateOnClose = deleteStateOnClose;
  }

  /**
   * Creates the aggregator's topics if missing and starts it.
   *
   * @param stateDir where the state stores live; null for a temporary directory deleted on close
   */
  public static UsageAggregatorApp start(CommonConfig common, String applicationId, Path stateDir) {
    Topics topics = common.topics();
    try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, common.bootstrapServers()))) {
      common.provisioner().ensure(admin, List.of(topics.usage(), topics.deadLetters()));
      common.provisioner().ensureCompacted(admin, List.of(topics.usageTotals()));
    }
    boolean temporary = stateDir == null;
    try {
      Path dir = temporary ? ScratchDirectory.create("promptyard-usage-") : Files.createDirectories(stateDir);
      Properties props = new Properties();
      props.put(StreamsConfig.APPLICATION_ID_CONFIG, applicationId);
      props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, common.bootstrapServers());
      props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
      props.put(StreamsConfig.STATE_DIR_CONFIG, dir.toString());
      props.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, 100);
      props.put(StreamsConfig.consumerPrefix(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG), "earliest");
      KafkaStreams streams = new KafkaStreams(UsageTopology.build(topics), props);
      streams.start();
      log.info("usage aggregator started, reading {}", topics.usage());
      return new UsageAggregatorApp(streams, dir, temporary);
    } catch (java.io.IOException e) {
      throw new IllegalStateException("cannot create the aggregator's state directory: " + e.getMessage(), e);
    }
  }

  public KafkaStreams.State state() {
    return streams.state();
  }

  /** Every team's totals for every day this instance holds, read from its local store. */
  public List<UsageTotals> teamDailyTotals() {
    ReadOnlyKeyValueStore<String, UsageTotals> store = streams.store(StoreQueryParameters.fromNameAndType(
        UsageTopology.TEAM_DAILY_STORE, QueryableStoreTypes.keyValueStore()));
    List<UsageTotals> all = new ArrayList<>();
    try (KeyValueIterator<String, UsageTotals> it = store.all()) {
      while (it.hasNext()) {
        KeyValue<String, UsageTotals> kv = it.next();
        all.add(kv.value);
      }
    }
    return all;
  }

  @Override
  public void close() {
    streams.close(Duration.ofSeconds(30));
    if (deleteStateOnClose) {
      streams.cleanUp();
      ScratchDirectory.delete(stateDir);
    }
  }

  /** Runs the aggregator until the process is stopped; configuration comes from the environment. */
  public static void main(String[] args) {
    io.promptyard.schemas.runtime.ServiceMain.main("usage-aggregator", KEYS, args, () -> {
      Settings s = new Settings(System.getenv());
      Services.runUntilStopped("usage-aggregator",
          start(CommonConfig.from(s), s.require(APPLICATION_ID), Path.of(s.require(STATE_DIR))));
    });
  }
}
