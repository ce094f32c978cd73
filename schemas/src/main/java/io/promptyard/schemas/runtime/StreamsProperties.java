package io.promptyard.schemas.runtime;

import io.promptyard.schemas.config.CommonConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.streams.StreamsConfig;

/**
 * The Kafka Streams configuration the router and the usage aggregator share: the operator's Kafka
 * client properties (unprefixed, so for every client inside Kafka Streams), then the service's
 * application id, state directory, threads and commit interval over them, with exactly-once v2.
 * Each service adds its own properties to what this returns.
 */
public final class StreamsProperties {

  /**
   * How long a commit may wait for the brokers, unless the operator sets {@code max.block.ms}:
   * longer than Kafka's default (1 minute), so that a commit begun as the cluster went away rides
   * out an outage of up to two minutes and lands when the brokers return. A commit that times out
   * instead marks its tasks corrupted, and after a whole-cluster outage Kafka Streams did not
   * always resume such tasks (see docs/RELIABILITY.md, Broker faults).
   */
  static final Duration COMMIT_MAX_BLOCK = Duration.ofMinutes(2);

  private StreamsProperties() {}

  /**
   * @param applicationId the Kafka Streams application id (consumer group and topic prefix)
   * @param stateDir where the instance keeps its state stores
   * @param commitInterval how often the instance commits (and so ends its transactions)
   * @param streamThreads stream threads of the instance
   */
  public static Properties base(
      CommonConfig common,
      String applicationId,
      Path stateDir,
      Duration commitInterval,
      int streamThreads) {
    Properties props = new Properties();
    Map<String, String> operator = common.kafka().values();
    if (!operator.containsKey(ProducerConfig.MAX_BLOCK_MS_CONFIG)
        && !operator.containsKey(
            StreamsConfig.producerPrefix(ProducerConfig.MAX_BLOCK_MS_CONFIG))) {
      props.put(
          StreamsConfig.producerPrefix(ProducerConfig.MAX_BLOCK_MS_CONFIG),
          (int) COMMIT_MAX_BLOCK.toMillis());
    }
    props.putAll(operator);
    props.put(StreamsConfig.APPLICATION_ID_CONFIG, applicationId);
    props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, common.bootstrapServers());
    props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
    props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
    props.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, (int) commitInterval.toMillis());
    props.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, streamThreads);
    return props;
  }
}
