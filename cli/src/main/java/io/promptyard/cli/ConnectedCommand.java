package io.promptyard.cli;

import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * A command that reaches Promptyard's Kafka (or the workers' Redis) through the shared {@link
 * ConnectionOptions} and prints what it did to standard output: it exits 0 when {@link #execute}
 * returns, and non-zero with the reason when it throws ({@link Main} turns the exception into one
 * line).
 */
public abstract class ConnectedCommand implements Callable<Integer> {

  @Mixin protected ConnectionOptions connection;

  @Spec CommandSpec spec;

  @Override
  public final Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    try {
      execute(out);
    } finally {
      out.flush();
    }
    return 0;
  }

  /** Does the command's work, printing its results to {@code out}. */
  protected abstract void execute(PrintWriter out) throws Exception;

  /** Standard error, for counts and hints next to the results. */
  protected final PrintWriter err() {
    return spec.commandLine().getErr();
  }
}
