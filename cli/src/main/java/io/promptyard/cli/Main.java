package io.promptyard.cli;

import io.promptyard.cli.audit.AuditCommand;
import io.promptyard.cli.batch.ResultsCommand;
import io.promptyard.cli.batch.SubmitCommand;
import io.promptyard.cli.cache.CacheCommand;
import io.promptyard.cli.dlq.DlqCommand;
import io.promptyard.cli.guard.GuardCommand;
import io.promptyard.cli.providers.ProvidersCommand;
import io.promptyard.cli.route.RouteCommand;
import io.promptyard.cli.templates.TemplatesCommand;
import io.promptyard.cli.topics.TopicsCommand;
import io.promptyard.cli.usage.BudgetCommand;
import io.promptyard.cli.usage.UsageCommand;
import io.promptyard.schemas.config.ConfigException;
import io.promptyard.schemas.config.Settings;
import io.promptyard.schemas.serde.AvroWireFormat;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code promptyard} command line: the commands of this module, plus every {@link Subcommand}
 * on the class path ({@code dev} from the dev module, {@code bench} from the bench module, which
 * {@code bin/promptyard} puts there).
 */
@Command(
    name = "promptyard",
    mixinStandardHelpOptions = true,
    versionProvider = BuildVersion.class,
    description = "Kafka-native, asynchronous LLM job processing.",
    subcommands = {
      SubmitCommand.class,
      ResultsCommand.class,
      ServiceCommand.class,
      CacheCommand.class,
      TemplatesCommand.class,
      UsageCommand.class,
      BudgetCommand.class,
      RouteCommand.class,
      ProvidersCommand.class,
      GuardCommand.class,
      DlqCommand.class,
      TopicsCommand.class,
      AuditCommand.class,
      CommandLine.HelpCommand.class
    },
    footer = {
      "",
      "bin/promptyard also runs these two from their own modules:",
      "  dev    the whole stack in one JVM on the example batch (promptyard dev --help)",
      "  bench  reproducible benchmarks (promptyard bench list)"
    })
public final class Main extends CommandGroup implements ConnectionOptions.EnvironmentSource {

  private final Map<String, String> environment;
  private final Clock clock;
  private final KafkaClients kafkaClients;

  private Main(Map<String, String> environment, Clock clock, KafkaClients kafkaClients) {
    this.environment = Map.copyOf(environment);
    this.clock = clock;
    this.kafkaClients = kafkaClients;
  }

  @Override
  public Map<String, String> environment() {
    return environment;
  }

  @Override
  public Clock clock() {
    return clock;
  }

  @Override
  public KafkaClients kafkaClients() {
    return kafkaClients;
  }

  /** A command line whose failures print one line with the reason and exit non-zero. */
  public static CommandLine commandLine() {
    return commandLine(System.getenv());
  }

  /**
   * As {@link #commandLine()}, reading connection settings from {@code environment} instead of the
   * process's.
   */
  public static CommandLine commandLine(Map<String, String> environment) {
    return commandLine(environment, Clock.systemUTC());
  }

  /** As {@link #commandLine(Map)}, with {@code clock} saying what time it is. */
  public static CommandLine commandLine(Map<String, String> environment, Clock clock) {
    return commandLine(environment, clock, KafkaClients.REAL);
  }

  /**
   * As {@link #commandLine(Map, Clock)}, the reading commands taking their Kafka clients from
   * {@code kafkaClients} (a test's, fed without a broker).
   */
  public static CommandLine commandLine(
      Map<String, String> environment, Clock clock, KafkaClients kafkaClients) {
    CommandLine cli = new CommandLine(new Main(environment, clock, kafkaClients));
    ServiceLoader.load(Subcommand.class).forEach(cli::addSubcommand);
    // Help fits the terminal (picocli asks it for its width; 80 columns where there is none), and
    // the examples are printed as written: a command wrapped in two could not be pasted.
    cli.setUsageHelpAutoWidth(true);
    flowingDescriptions(cli);
    examplesAsWritten(cli);
    cli.setExecutionExceptionHandler(
        (e, commandLine, parseResult) -> {
          commandLine.getErr().println(commandName(commandLine) + ": " + Failures.reason(e));
          commandLine.getErr().flush();
          return 1;
        });
    // A mistyped command line gets the reason and where to look, not the whole usage text.
    cli.setParameterExceptionHandler(
        (e, args) -> {
          CommandLine failed = e.getCommandLine();
          failed
              .getErr()
              .println(
                  commandName(failed)
                      + ": "
                      + e.getMessage()
                      + closest(e)
                      + " (see "
                      + commandName(failed)
                      + " --help)");
          failed.getErr().flush();
          return 2;
        });
    return cli;
  }

  /**
   * Joins the lines of each paragraph of the descriptions of {@code command} and its subcommands
   * (paragraphs are separated by an empty line), so that picocli wraps each paragraph to the
   * terminal's width instead of wrapping lines that were broken for another width.
   */
  private static void flowingDescriptions(CommandLine command) {
    var usage = command.getCommandSpec().usageMessage();
    List<String> paragraphs = new java.util.ArrayList<>();
    StringBuilder paragraph = new StringBuilder();
    for (String line : usage.description()) {
      if (line.isBlank()) {
        if (!paragraph.isEmpty()) {
          paragraphs.add(paragraph.toString());
          paragraph.setLength(0);
        }
        paragraphs.add("");
      } else {
        paragraph.append(paragraph.isEmpty() ? "" : " ").append(line.strip());
      }
    }
    if (!paragraph.isEmpty()) {
      paragraphs.add(paragraph.toString());
    }
    usage.description(paragraphs.toArray(String[]::new));
    command.getSubcommands().values().forEach(Main::flowingDescriptions);
  }

  /** Prints the footer of {@code command} and its subcommands (the examples) line by line. */
  private static void examplesAsWritten(CommandLine command) {
    command
        .getHelpSectionMap()
        .put(
            CommandLine.Model.UsageMessageSpec.SECTION_KEY_FOOTER,
            help -> {
              String[] lines = help.commandSpec().usageMessage().footer();
              return lines.length == 0
                  ? ""
                  : String.join(System.lineSeparator(), lines) + System.lineSeparator();
            });
    command.getSubcommands().values().forEach(Main::examplesAsWritten);
  }

  /** "; did you mean --x?" for a mistyped option or command that is close to one of ours. */
  private static String closest(CommandLine.ParameterException e) {
    if (e instanceof CommandLine.UnmatchedArgumentException unmatched) {
      List<String> suggestions = unmatched.getSuggestions();
      if (!suggestions.isEmpty()) {
        return "; did you mean "
            + String.join(" or ", suggestions.subList(0, Math.min(3, suggestions.size())))
            + "?";
      }
    }
    return "";
  }

  private static String commandName(CommandLine commandLine) {
    return commandLine.getCommandSpec().qualifiedName();
  }

  public static void main(String[] args) {
    try {
      // the services' wire format, so that what the commands write and read matches theirs
      AvroWireFormat.install(AvroWireFormat.from(new Settings(System.getenv())));
    } catch (ConfigException e) {
      System.err.println("promptyard: bad configuration: " + e.getMessage());
      System.exit(2);
    }
    System.exit(commandLine().execute(args));
  }
}
