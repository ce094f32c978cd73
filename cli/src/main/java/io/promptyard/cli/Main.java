package io.promptyard.cli;

import io.promptyard.cli.bench.BenchCommand;
import io.promptyard.cli.cache.CacheCommand;
import io.promptyard.cli.dev.DevCommand;
import io.promptyard.cli.route.RouteCommand;
import io.promptyard.client.cli.BudgetCommand;
import io.promptyard.client.cli.ResultsCommand;
import io.promptyard.client.cli.SubmitCommand;
import io.promptyard.client.cli.TemplatesCommand;
import io.promptyard.client.cli.UsageCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code promptyard} command line. */
@Command(name = "promptyard", mixinStandardHelpOptions = true, version = "promptyard 0.1.0",
    description = "Kafka-native, asynchronous LLM job processing.",
    subcommands = {SubmitCommand.class, ResultsCommand.class, DevCommand.class, ServiceCommand.class, CacheCommand.class,
        BenchCommand.class, TemplatesCommand.class, UsageCommand.class, BudgetCommand.class,
        RouteCommand.class,
        CommandLine.HelpCommand.class})
public final class Main implements Runnable {

  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getErr());
  }

  /** A command line whose failures print one line with the reason and exit non-zero. */
  public static CommandLine commandLine() {
    CommandLine cli = new CommandLine(new Main());
    cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
      commandLine.getErr().println("promptyard " + commandLine.getCommandName() + ": " + oneLine(e));
      commandLine.getErr().flush();
      return 1;
    });
    return cli;
  }

  private static String oneLine(Throwable e) {
    String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    return message;
  }

  public static void main(String[] args) {
    System.exit(commandLine().execute(args));
  }
}
