package io.promptyard.cli;

import java.io.PrintWriter;
import picocli.CommandLine.Mixin;

/**
 * A command that reaches Promptyard's Kafka (or the workers' Redis) through the shared {@link
 * ConnectionOptions} and prints what it did to standard output: it exits 0 when {@link #execute}
 * returns, and non-zero with the reason when it throws ({@link Main} turns the exception into one
 * line).
 */
public abstract class ConnectedCommand extends PrintingCommand {

  @Mixin protected ConnectionOptions connection;

  @Override
  protected final int run(PrintWriter out) throws Exception {
    execute(out);
    return 0;
  }

  /** Does the command's work, printing its results to {@code out}. */
  protected abstract void execute(PrintWriter out) throws Exception;
}
