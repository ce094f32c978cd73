package io.promptyard.client.cli;

import io.promptyard.schemas.config.CommonConfig;
import io.promptyard.schemas.topics.Topics;
import picocli.CommandLine.Option;

/** Where Kafka is and how topics are named: from flags, else the environment, else the defaults. */
public final class ConnectionOptions {

  @Option(names = "--bootstrap-servers", paramLabel = "HOST:PORT",
      description = "Kafka bootstrap servers (env PROMPTYARD_BOOTSTRAP_SERVERS; default ${DEFAULT-VALUE})",
      defaultValue = "${env:PROMPTYARD_BOOTSTRAP_SERVERS:-localhost:9092}")
  String bootstrapServers;

  @Option(names = "--topic-prefix", paramLabel = "PREFIX",
      description = "prefix of Promptyard's topics (env PROMPTYARD_TOPIC_PREFIX; default ${DEFAULT-VALUE})",
      defaultValue = "${env:PROMPTYARD_TOPIC_PREFIX:-" + Topics.DEFAULT_PREFIX + "}")
  String topicPrefix;

  public String bootstrapServers() {
    return bootstrapServers;
  }

  public Topics topics() {
    return new Topics(topicPrefix);
  }

  /** For commands run in-process against a known broker (dev, tests). */
  public static ConnectionOptions of(String bootstrapServers, Topics topics) {
    ConnectionOptions o = new ConnectionOptions();
    o.bootstrapServers = bootstrapServers;
    o.topicPrefix = topics.prefix();
    return o;
  }

  /** Names the environment keys these flags fall back to, so docs can check them. */
  static final String[] ENV_KEYS = {CommonConfig.BOOTSTRAP_SERVERS.name(), CommonConfig.TOPIC_PREFIX.name()};
}
