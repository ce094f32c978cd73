package io.promptyard.schemas.runtime;

import io.promptyard.schemas.config.CommonConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Properties;
import org.apache.kafka.streams.StreamsConfig;

/** What every Promptyard Kafka Streams application (the router, the usage aggregator) sets. */
public final class ExactlyOnceStreams {

  private ExactlyOnceStreams() {}

  /**
   * The operator's Kafka client properties (unprefixed, so for every client inside Kafka Streams),
   * then, over them, the application id, the bootstrap servers, exactly-once processing, the state
   * directory, the commit interval and the stream threads. The application adds its own tuning.
   */
  public static Properties properties(
      CommonConfig common,
      String applicationId,
      Path stateDir,
      Duration commitInterval,
      int streamThreads) {
    Properties props = new Properties();
    props.putAll(common.kafka().values());
    props.put(StreamsConfig.APPLICATION_ID_CONFIG, applicationId);
    props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, common.bootstrapServers());
    props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
    props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
    props.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, (int) commitInterval.toMillis());
    props.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, streamThreads);
    return props;
  }
}
