package io.promptyard.systemtests;

import io.promptyard.cli.Main;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.Map;
import picocli.CommandLine;

/**
 * One {@code promptyard} command run in this JVM against a broker, with what it printed.
 *
 * @param exit its exit code
 * @param out what it printed to standard output
 * @param err what it printed to standard error
 */
record CliRun(int exit, String out, String err) {

  /** Runs {@code args} with PROMPTYARD_BOOTSTRAP_SERVERS set and no user configuration file. */
  static CliRun run(String bootstrapServers, String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cli =
        Main.commandLine(
            Map.of("PROMPTYARD_BOOTSTRAP_SERVERS", bootstrapServers, "HOME", "/nonexistent"));
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    int exit = cli.execute(args);
    return new CliRun(exit, out.toString(), err.toString());
  }
}
