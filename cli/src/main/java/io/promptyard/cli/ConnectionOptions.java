package io.promptyard.cli;

import io.promptyard.router.guard.GuardSetting;
import io.promptyard.schemas.config.CommonConfig;
import io.promptyard.schemas.config.KafkaClientProperties;
import io.promptyard.schemas.config.Settings;
import io.promptyard.schemas.ingress.RequestLimits;
import io.promptyard.schemas.topics.Topics;
import io.promptyard.worker.WorkerConfig;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * Where Kafka and Redis are and how topics are named, for every command: a flag wins, then the
 * environment ({@code PROMPTYARD_*}), then the config file ({@code --config}, else {@code
 * $PROMPTYARD_CONFIG}, else {@code ~/.config/promptyard/config.properties} when it exists), then
 * the default.
 */
public final class ConnectionOptions {

  /** The config file's keys, next to the environment variables they stand in for. */
  public static final String FILE_BOOTSTRAP_SERVERS = "bootstrap.servers";

  public static final String FILE_TOPIC_PREFIX = "topic.prefix";
  public static final String FILE_REDIS_URL = "redis.url";
  public static final String ENV_CONFIG = "PROMPTYARD_CONFIG";
  public static final String ENV_REDIS_URL = "PROMPTYARD_REDIS_URL";

  @Option(
      names = {"--bootstrap-server", "--bootstrap-servers"},
      paramLabel = "HOST:PORT",
      description =
          "Kafka bootstrap servers (else env PROMPTYARD_BOOTSTRAP_SERVERS, else bootstrap.servers in the config file, "
              + "else localhost:9092)")
  String bootstrapServers;

  @Option(
      names = "--topic-prefix",
      paramLabel = "PREFIX",
      description =
          "prefix of Promptyard's topics (else env PROMPTYARD_TOPIC_PREFIX, else topic.prefix in the config file, "
              + "else "
              + Topics.DEFAULT_PREFIX
              + ")")
  String topicPrefix;

  @Option(
      names = "--config",
      paramLabel = "FILE",
      description =
          "connection settings file (else env PROMPTYARD_CONFIG, else ~/.config/promptyard/config.properties if present)")
  Path config;

  @Option(
      names = "--command-config",
      paramLabel = "FILE",
      description =
          "Kafka client properties file, e.g. security settings (else env PROMPTYARD_KAFKA_CONFIG); "
              + "PROMPTYARD_KAFKA_* variables override it")
  Path commandConfig;

  @Spec(Spec.Target.MIXEE)
  CommandSpec mixee;

  private Map<String, String> environment;
  private Properties file;

  public String bootstrapServers() {
    return resolve(
        bootstrapServers,
        CommonConfig.BOOTSTRAP_SERVERS.name(),
        FILE_BOOTSTRAP_SERVERS,
        CommonConfig.BOOTSTRAP_SERVERS.defaultValue());
  }

  public Topics topics() {
    String prefix =
        resolve(
            topicPrefix,
            CommonConfig.TOPIC_PREFIX.name(),
            FILE_TOPIC_PREFIX,
            Topics.DEFAULT_PREFIX);
    try {
      return new Topics(prefix);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("bad topic prefix: " + e.getMessage());
    }
  }

  /**
   * The workers' Redis: {@code flag}, else env PROMPTYARD_REDIS_URL, else redis.url in the file,
   * else the local one.
   */
  public String redisUrl(String flag) {
    return resolve(flag, ENV_REDIS_URL, FILE_REDIS_URL, "redis://127.0.0.1:6379");
  }

  /**
   * The request limits the router checks ({@code PROMPTYARD_ROUTER_MAX_*} in the environment, as
   * the router reads them), for commands that check a request before sending it.
   */
  public RequestLimits requestLimits() {
    return RequestLimits.from(new Settings(environment()));
  }

  /**
   * How long the workers cache an answer whose request and model set no TTL: {@code
   * PROMPTYARD_CACHE_TTL_SECONDS} in the environment, as the workers read it.
   */
  public Duration workerCacheTtl() {
    return Duration.ofSeconds(
        new Settings(environment()).intValue(WorkerConfig.CACHE_TTL_SECONDS, 1));
  }

  /**
   * The router's default guard policy as {@code PROMPTYARD_GUARD_POLICY} in the environment sets it
   * (default, off or a policy file), for commands that check text as the router would.
   */
  public GuardSetting guardSetting() {
    return GuardSetting.parse(new Settings(environment()).require(GuardSetting.KEY));
  }

  /**
   * A Kafka client configuration for short-lived command-line clients: they give up after 15 s,
   * saying where they looked.
   */
  public Map<String, Object> kafkaClientConfig() {
    Map<String, Object> config =
        new HashMap<>(
            Map.of(
                "default.api.timeout.ms", 15_000,
                "request.timeout.ms", 10_000,
                "client.id", "promptyard-cli"));
    // the user's properties may lengthen these timeouts for a distant cluster
    config.putAll(kafkaProperties().values());
    return config;
  }

  /**
   * The user's Kafka client properties — {@code --command-config}, else the file named by
   * PROMPTYARD_KAFKA_CONFIG, with PROMPTYARD_KAFKA_* variables over it — and the bootstrap servers.
   */
  public KafkaClientProperties kafkaProperties() {
    Map<String, String> env = new HashMap<>(environment());
    KafkaClientProperties file = KafkaClientProperties.NONE;
    if (commandConfig != null) {
      env.remove(KafkaClientProperties.CONFIG.name());
      file = KafkaClientProperties.load(commandConfig, "--command-config");
    }
    return file.overriddenBy(KafkaClientProperties.from(env))
        .with(FILE_BOOTSTRAP_SERVERS, bootstrapServers());
  }

  /** For commands run in-process against a known broker (dev, tests). */
  public static ConnectionOptions of(String bootstrapServers, Topics topics) {
    ConnectionOptions o = new ConnectionOptions();
    o.bootstrapServers = bootstrapServers;
    o.topicPrefix = topics.prefix();
    return o;
  }

  private String resolve(String flag, String envKey, String fileKey, String fallback) {
    if (flag != null && !flag.isBlank()) {
      return flag.trim();
    }
    String env = environment().get(envKey);
    if (env != null && !env.isBlank()) {
      return env.trim();
    }
    String fromFile = file().getProperty(fileKey);
    if (fromFile != null && !fromFile.isBlank()) {
      return fromFile.trim();
    }
    return fallback;
  }

  /** The clock of the root command when it offers one (tests), else the system's UTC clock. */
  public Clock clock() {
    return EnvironmentSource.clockOf(mixee);
  }

  /**
   * The Kafka clients of the root command when it offers them (tests), else real ones; {@link
   * #kafkaClientConfig} configures them.
   */
  public KafkaClients clients() {
    return EnvironmentSource.of(mixee)
        .map(EnvironmentSource::kafkaClients)
        .orElse(KafkaClients.REAL);
  }

  /**
   * Publishes one record to {@code topic} ({@code value} null: a tombstone) and waits until Kafka
   * has it (all in-sync replicas).
   */
  public void publish(String topic, String key, byte[] value) throws Exception {
    try (Producer<String, byte[]> producer =
        clients()
            .producer(kafkaProperties().clientConfig(Map.of(ProducerConfig.ACKS_CONFIG, "all")))) {
      producer.send(new ProducerRecord<>(topic, key, value)).get();
    }
  }

  /**
   * The environment of the root command when it offers one (tests), else the process environment.
   */
  private Map<String, String> environment() {
    if (environment == null) {
      environment =
          EnvironmentSource.of(mixee).map(EnvironmentSource::environment).orElseGet(System::getenv);
    }
    return environment;
  }

  private Properties file() {
    if (file == null) {
      file = new Properties();
      Optional<Path> path = configFile();
      if (path.isPresent()) {
        try (Reader in = Files.newBufferedReader(path.get(), StandardCharsets.UTF_8)) {
          file.load(in);
        } catch (IOException e) {
          throw new IllegalArgumentException(
              "cannot read the config file " + path.get() + ": " + e.getMessage());
        }
      }
    }
    return file;
  }

  /**
   * The file named by --config or PROMPTYARD_CONFIG (which must exist), else the per-user file when
   * it exists.
   */
  private Optional<Path> configFile() {
    Path named =
        config != null
            ? config
            : Optional.ofNullable(environment().get(ENV_CONFIG))
                .filter(s -> !s.isBlank())
                .map(Path::of)
                .orElse(null);
    if (named != null) {
      if (!Files.isReadable(named)) {
        throw new IllegalArgumentException(
            "config file " + named + " does not exist or cannot be read");
      }
      return Optional.of(named);
    }
    String xdg = environment().get("XDG_CONFIG_HOME");
    String home = environment().getOrDefault("HOME", System.getProperty("user.home"));
    Path base =
        xdg != null && !xdg.isBlank()
            ? Path.of(xdg)
            : home == null ? null : Path.of(home, ".config");
    if (base == null) {
      return Optional.empty();
    }
    Path user = base.resolve("promptyard").resolve("config.properties");
    return Files.isReadable(user) ? Optional.of(user) : Optional.empty();
  }

  /**
   * A root command that supplies the environment its subcommands read (the process environment and
   * the system clock, or a test's).
   */
  public interface EnvironmentSource {
    Map<String, String> environment();

    /**
     * What "now" is: the current period, relative times such as {@code --since 1h}, the time
     * stamped on a budget.
     */
    default Clock clock() {
      return Clock.systemUTC();
    }

    /** The Kafka clients the reading commands use: real ones, or a test's fed without a broker. */
    default KafkaClients kafkaClients() {
      return KafkaClients.REAL;
    }

    /**
     * The clock of {@code command}'s root when it is a source (tests), else the system's UTC clock.
     */
    static Clock clockOf(CommandSpec command) {
      return of(command).map(EnvironmentSource::clock).orElseGet(Clock::systemUTC);
    }

    /**
     * The environment of {@code command}'s root when it is a source (tests), else the process
     * environment.
     */
    static Map<String, String> environmentOf(CommandSpec command) {
      return of(command).map(EnvironmentSource::environment).orElseGet(System::getenv);
    }

    /** The Kafka clients of {@code command}'s root when it is a source (tests), else real ones. */
    static KafkaClients kafkaClientsOf(CommandSpec command) {
      return of(command).map(EnvironmentSource::kafkaClients).orElse(KafkaClients.REAL);
    }

    /**
     * The root of {@code command} when it supplies the environment; {@code command} may be null.
     */
    private static Optional<EnvironmentSource> of(CommandSpec command) {
      return command != null && command.root().userObject() instanceof EnvironmentSource source
          ? Optional.of(source)
          : Optional.empty();
    }
  }
}
