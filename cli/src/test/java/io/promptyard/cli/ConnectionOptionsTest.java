package io.promptyard.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/**
 * Connection settings come from a flag, else the environment, else the config file, else the
 * default; the Kafka clients' properties from {@code --command-config}, else
 * PROMPTYARD_KAFKA_CONFIG, with PROMPTYARD_KAFKA_* variables over it.
 */
class ConnectionOptionsTest {

  @TempDir Path home;

  @Command(
      name = "root",
      subcommands = {Show.class, ShowKafka.class})
  static final class Root implements ConnectionOptions.EnvironmentSource {
    final Map<String, String> env;

    Root(Map<String, String> env) {
      this.env = env;
    }

    @Override
    public Map<String, String> environment() {
      return env;
    }
  }

  @Command(name = "show")
  static final class Show implements Callable<Integer> {
    @Mixin ConnectionOptions connection;

    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
      spec.commandLine()
          .getOut()
          .print(
              connection.bootstrapServers()
                  + " "
                  + connection.topics().prefix()
                  + " "
                  + connection.redisUrl(null));
      return 0;
    }
  }

  /** Prints the Kafka client config the commands' clients get. */
  @Command(name = "kafka")
  static final class ShowKafka implements Callable<Integer> {
    @Mixin ConnectionOptions connection;

    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
      spec.commandLine().getOut().print(new TreeMap<>(connection.kafkaClientConfig()));
      return 0;
    }
  }

  private String show(Map<String, String> env, String... flags) {
    return run("show", env, flags);
  }

  /** What {@code kafka} prints: the Kafka client config, sorted. */
  private String kafka(Map<String, String> env, String... flags) {
    return run("kafka", env, flags);
  }

  private String run(String command, Map<String, String> env, String... flags) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cli = new CommandLine(new Root(env));
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    String[] args = new String[flags.length + 1];
    args[0] = command;
    System.arraycopy(flags, 0, args, 1, flags.length);
    int exit = cli.execute(args);
    return exit == 0 ? out.toString() : "exit " + exit + ": " + err;
  }

  private Map<String, String> env(String... pairs) {
    Map<String, String> env = new HashMap<>(Map.of("HOME", home.toString()));
    for (int i = 0; i < pairs.length; i += 2) {
      env.put(pairs[i], pairs[i + 1]);
    }
    return env;
  }

  @Test
  void withNothingSetTheDefaultsApply() {
    assertThat(show(env())).isEqualTo("localhost:9092 promptyard. redis://127.0.0.1:6379");
  }

  @Test
  void theUsersConfigFileIsReadWhenPresent() throws Exception {
    Path file = home.resolve(".config/promptyard/config.properties");
    Files.createDirectories(file.getParent());
    Files.writeString(
        file, "bootstrap.servers=file:9092\ntopic.prefix=filed.\nredis.url=redis://file:6379\n");

    assertThat(show(env())).isEqualTo("file:9092 filed. redis://file:6379");
  }

  @Test
  void theEnvironmentBeatsTheFileAndAFlagBeatsBoth() throws Exception {
    Path file = home.resolve("ops.properties");
    Files.writeString(file, "bootstrap.servers=file:9092\ntopic.prefix=filed.\n");
    Map<String, String> env =
        env("PROMPTYARD_CONFIG", file.toString(), "PROMPTYARD_BOOTSTRAP_SERVERS", "env:9092");

    assertThat(show(env)).isEqualTo("env:9092 filed. redis://127.0.0.1:6379");
    assertThat(show(env, "--bootstrap-server", "flag:9092", "--topic-prefix", "flagged."))
        .isEqualTo("flag:9092 flagged. redis://127.0.0.1:6379");
    // the earlier spelling stays an alias of Kafka's
    assertThat(show(env, "--bootstrap-servers", "old:9092"))
        .isEqualTo("old:9092 filed. redis://127.0.0.1:6379");
  }

  @Test
  void configFlagNamesTheFileToRead() throws Exception {
    Path file = home.resolve("staging.properties");
    Files.writeString(file, "bootstrap.servers=staging:9092\n");

    assertThat(show(env(), "--config", file.toString())).startsWith("staging:9092 ");
  }

  @Test
  void aNamedConfigFileThatIsMissingIsAnError() {
    assertThat(show(env(), "--config", home.resolve("nope.properties").toString()))
        .startsWith("exit 1")
        .contains("config file " + home.resolve("nope.properties") + " does not exist");
  }

  private Path file(String name, String text) throws IOException {
    Path f = home.resolve(name);
    Files.writeString(f, text);
    return f;
  }

  @Test
  void withoutPropertiesTheClientsGetTheBootstrapServersAndTheShortTimeouts() {
    assertThat(kafka(env(), "--bootstrap-servers", "kafka:9092"))
        .isEqualTo(
            "{bootstrap.servers=kafka:9092, client.id=promptyard-cli, "
                + "default.api.timeout.ms=15000, request.timeout.ms=10000}");
  }

  @Test
  void theCommandConfigFileReachesTheClientsAndMayLengthenTheTimeouts() throws IOException {
    Path f =
        file(
            "client.properties",
            "security.protocol=SASL_SSL\nsasl.mechanism=SCRAM-SHA-512\nrequest.timeout.ms=30000\n");

    assertThat(kafka(env(), "--bootstrap-servers", "kafka:9093", "--command-config", f.toString()))
        .contains(
            "security.protocol=SASL_SSL",
            "sasl.mechanism=SCRAM-SHA-512",
            "request.timeout.ms=30000",
            "bootstrap.servers=kafka:9093");
  }

  @Test
  void theFlagWinsOverTheVariableNamingAFileAndVariablesOverrideTheFile() throws IOException {
    Path flag = file("flag.properties", "sasl.mechanism=PLAIN\nsecurity.protocol=SASL_SSL\n");
    Path fromEnv = file("env.properties", "ssl.truststore.type=PKCS12\n");

    String shown =
        kafka(
            env(
                "PROMPTYARD_KAFKA_CONFIG",
                fromEnv.toString(),
                "PROMPTYARD_KAFKA_SASL_MECHANISM",
                "SCRAM-SHA-256"),
            "--command-config",
            flag.toString());

    assertThat(shown)
        .contains("sasl.mechanism=SCRAM-SHA-256", "security.protocol=SASL_SSL")
        .doesNotContain("ssl.truststore.type");
  }

  @Test
  void theVariableNamesAFileWhenThereIsNoFlag() throws IOException {
    Path fromEnv = file("env.properties", "security.protocol=SSL\n");

    assertThat(kafka(env("PROMPTYARD_KAFKA_CONFIG", fromEnv.toString())))
        .contains("security.protocol=SSL", "bootstrap.servers=localhost:9092");
  }

  @Test
  void theBootstrapServersComeFromTheirOwnSettingNotTheProperties() throws IOException {
    Path f = file("client.properties", "bootstrap.servers=elsewhere:9092\n");

    assertThat(kafka(env(), "--bootstrap-servers", "kafka:9093", "--command-config", f.toString()))
        .contains("bootstrap.servers=kafka:9093");
  }

  @Test
  void aMissingCommandConfigFailsNamingTheFlag() {
    assertThat(kafka(env(), "--command-config", home.resolve("nope").toString()))
        .startsWith("exit ")
        .contains("--command-config=");
  }
}
