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
 * The commands' Kafka clients take the user's client properties: {@code --command-config}, else
 * PROMPTYARD_KAFKA_CONFIG, with PROMPTYARD_KAFKA_* variables over it.
 */
class CommandConfigTest {

  @TempDir Path home;

  @Command(name = "root", subcommands = Show.class)
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
      spec.commandLine().getOut().print(new TreeMap<>(connection.kafkaClientConfig()));
      return 0;
    }
  }

  private String show(Map<String, String> env, String... flags) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cli = new CommandLine(new Root(env));
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    String[] args = new String[flags.length + 1];
    args[0] = "show";
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

  private Path file(String name, String text) throws IOException {
    Path f = home.resolve(name);
    Files.writeString(f, text);
    return f;
  }

  @Test
  void withoutPropertiesTheClientsGetTheBootstrapServersAndTheShortTimeouts() {
    assertThat(show(env(), "--bootstrap-servers", "kafka:9092"))
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

    assertThat(show(env(), "--bootstrap-servers", "kafka:9093", "--command-config", f.toString()))
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
        show(
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

    assertThat(show(env("PROMPTYARD_KAFKA_CONFIG", fromEnv.toString())))
        .contains("security.protocol=SSL", "bootstrap.servers=localhost:9092");
  }

  @Test
  void theBootstrapServersComeFromTheirOwnSettingNotTheProperties() throws IOException {
    Path f = file("client.properties", "bootstrap.servers=elsewhere:9092\n");

    assertThat(show(env(), "--bootstrap-servers", "kafka:9093", "--command-config", f.toString()))
        .contains("bootstrap.servers=kafka:9093");
  }

  @Test
  void aMissingCommandConfigFailsNamingTheFlag() {
    assertThat(show(env(), "--command-config", home.resolve("nope").toString()))
        .startsWith("exit ")
        .contains("--command-config=");
  }
}
