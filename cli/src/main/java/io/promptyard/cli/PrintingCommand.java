package io.promptyard.cli;

import java.io.PrintWriter;
import java.time.Clock;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * A command that prints its results to standard output, flushed when it ends, and exits with the
 * status {@link #run} returns; when it throws, {@link Main} turns the exception into one line and a
 * non-zero status.
 */
public abstract class PrintingCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Override
  public final Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    try {
      return run(out);
    } finally {
      out.flush();
    }
  }

  /**
   * Does the command's work, printing its results to {@code out}.
   *
   * @return the exit status
   */
  protected abstract int run(PrintWriter out) throws Exception;

  /** Standard error, for counts and hints next to the results. */
  protected final PrintWriter err() {
    return spec.commandLine().getErr();
  }

  /** The clock of the root command when it offers one (tests), else the system's UTC clock. */
  protected final Clock clock() {
    return ConnectionOptions.EnvironmentSource.clockOf(spec);
  }

  /** The environment of the root command when it offers one (tests), else the process's. */
  protected final Map<String, String> environment() {
    return ConnectionOptions.EnvironmentSource.environmentOf(spec);
  }

  /** The Kafka clients of the root command when it offers them (tests), else real ones. */
  protected final KafkaClients kafkaClients() {
    return ConnectionOptions.EnvironmentSource.kafkaClientsOf(spec);
  }
}
