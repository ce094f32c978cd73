package io.promptyard.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/**
 * Connection settings come from a flag, else the environment, else the config file, else the
 * default.
 */
class ConnectionOptionsTest {

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
    assertThat(show(env, "--bootstrap-servers", "flag:9092", "--topic-prefix", "flagged."))
        .isEqualTo("flag:9092 flagged. redis://127.0.0.1:6379");
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
}
