package io.promptyard.cli.templates;

import io.promptyard.cli.CommandGroup;
import io.promptyard.cli.ConnectionOptions;
import io.promptyard.cli.OperatorAction;
import io.promptyard.cli.PrintingCommand;
import io.promptyard.client.PromptyardClient;
import io.promptyard.schemas.Message;
import io.promptyard.schemas.PromptTemplate;
import io.promptyard.templates.TemplateFiles;
import io.promptyard.templates.TemplateId;
import io.promptyard.templates.TemplateRenderer;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code promptyard templates}: preview a template file, publish templates to the templates topic,
 * retire a version.
 */
@Command(
    name = "templates",
    mixinStandardHelpOptions = true,
    description =
        "Prompt templates: render a file locally, publish files to the templates topic, retire a version.",
    subcommands = {
      TemplatesCommand.Render.class,
      TemplatesCommand.Publish.class,
      TemplatesCommand.Retire.class
    },
    footer = {
      "",
      "Examples:",
      "  promptyard templates render examples/prompts/summarize-2.yaml --var audience=plain \\",
      "      --var 'docs=[{\"title\": \"Q3\", \"text\": \"Revenue grew.\"}]'",
      "  promptyard templates publish examples/prompts/*.yaml",
      "  promptyard templates retire summarize@2"
    })
public final class TemplatesCommand extends CommandGroup {

  /**
   * Renders a template file with variables and prints the messages, as the router would send them.
   */
  @Command(
      name = "render",
      mixinStandardHelpOptions = true,
      description =
          "Render a template file with variables and print its messages (nothing is sent).",
      footer = {
        "",
        "Examples:",
        "  promptyard templates render examples/prompts/summarize-2.yaml --var audience=plain \\",
        "      --var 'docs=[{\"title\": \"Q3\", \"text\": \"Revenue grew.\"}]'"
      })
  static final class Render extends PrintingCommand {
    @Parameters(paramLabel = "FILE", description = "a template file (YAML or JSON)")
    Path file;

    @Option(
        names = "--var",
        paramLabel = "NAME=VALUE",
        description = "a variable (repeatable); lists and maps as JSON")
    Map<String, String> variables = new TreeMap<>();

    @Override
    protected int run(PrintWriter out) throws Exception {
      PromptTemplate template = TemplateFiles.read(file);
      for (Message m : new TemplateRenderer().render(template, variables)) {
        out.println("[" + m.getRole().name().toLowerCase(Locale.ROOT) + "]");
        out.println(m.getText());
      }
      return 0;
    }
  }

  /** Checks template files and publishes them to the compacted templates topic. */
  @Command(
      name = "publish",
      mixinStandardHelpOptions = true,
      description =
          "Check template files and publish them to the templates topic (key name@version).",
      footer = {
        "",
        "Examples:",
        "  promptyard templates publish examples/prompts/summarize-2.yaml"
      })
  static final class Publish extends OperatorAction {
    @Parameters(paramLabel = "FILE", arity = "1..*", description = "template files (YAML or JSON)")
    List<Path> files;

    @Override
    protected String act(PrintWriter out) throws Exception {
      List<PromptTemplate> templates = new ArrayList<>();
      for (Path f : files) {
        templates.add(TemplateFiles.read(f)); // every file is checked before any is published
      }
      aboutToAct();
      try (PromptyardClient client = client(connection)) {
        for (PromptTemplate t : templates) {
          client.publishTemplate(t);
          out.println(
              "published "
                  + t.getName()
                  + "@"
                  + t.getVersion()
                  + " to "
                  + client.topics().templates());
        }
      }
      return "published "
          + templates.stream().map(t -> t.getName() + "@" + t.getVersion()).toList();
    }
  }

  /** Writes a tombstone for one template version. */
  @Command(
      name = "retire",
      mixinStandardHelpOptions = true,
      description =
          "Remove a template version from the templates topic; requests naming it are rejected afterwards.",
      footer = {"", "Examples:", "  promptyard templates retire summarize@2"})
  static final class Retire extends OperatorAction {
    @Parameters(paramLabel = "NAME@VERSION", description = "the version to retire")
    String key;

    @Override
    protected String act(PrintWriter out) {
      TemplateId id = TemplateId.parse(key);
      aboutToAct();
      try (PromptyardClient client = client(connection)) {
        client.retireTemplate(id.name(), id.version());
        String outcome = "retired " + id + " on " + client.topics().templates();
        out.println(outcome);
        return outcome;
      }
    }
  }

  private static PromptyardClient client(ConnectionOptions connection) {
    return PromptyardClient.builder()
        .bootstrapServers(connection.bootstrapServers())
        .topicPrefix(connection.topics().prefix())
        .clientId("promptyard-cli-templates")
        .kafkaProperties(connection.kafkaProperties().values())
        .build();
  }
}
