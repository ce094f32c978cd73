package io.promptyard.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.promptyard.bench.DocPages.Heading;
import io.promptyard.catalog.Capability;
import io.promptyard.catalog.ModelCatalog;
import io.promptyard.catalog.ModelSpec;
import io.promptyard.catalog.Prices;
import io.promptyard.catalog.ProviderSpec;
import io.promptyard.cli.Main;
import io.promptyard.providers.ChatProviders;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * README.md and docs/ say what the code does: their links lead somewhere, the commands they show
 * exist, the providers page matches the bundled catalog, and the README's module table matches the
 * Maven modules. It lives in {@code bench}, the one module that sees every command ({@code dev} and
 * {@code bench} are plug-ins of the CLI).
 */
class DocsTest {

  private static final Pattern LINK = Pattern.compile("\\[[^\\]]*\\]\\(([^)\\s]+)\\)");
  private static final Pattern COMMAND = Pattern.compile("(?:^|[\\s/])promptyard((?: +[^ ]+)+)");
  private static final Pattern CODE_NAME = Pattern.compile("`([^`]+)`");
  private static final Path PROVIDERS = DocPages.DOCS.resolve("PROVIDERS.md");

  @Test
  void everyRelativeLinkLeadsToAFileAndHeadingThatExist() {
    List<String> broken = new ArrayList<>();
    for (Path page : DocPages.all()) {
      Matcher m = LINK.matcher(DocPages.prose(DocPages.read(page)));
      while (m.find()) {
        String target = m.group(1);
        if (target.matches("^[a-z]+:.*")) {
          continue;
        }
        String file = target.contains("#") ? target.substring(0, target.indexOf('#')) : target;
        Path resolved = file.isEmpty() ? page : page.getParent().resolve(file).normalize();
        if (!Files.exists(resolved)) {
          broken.add(page + ": " + target + " (no such file)");
        } else if (target.contains("#")) {
          String anchor = target.substring(target.indexOf('#') + 1);
          if (!anchors(resolved).contains(anchor)) {
            broken.add(
                page + ": " + target + " (no such heading; there are " + anchors(resolved) + ")");
          }
        }
      }
    }
    assertThat(broken).isEmpty();
  }

  @Test
  void everyCommandTheDocsShowIsOneTheCliHasWithOptionsItTakes() {
    CommandLine cli = Main.commandLine(Map.of());
    List<String> wrong = new ArrayList<>();
    int checked = 0;
    for (Path page : DocPages.all()) {
      for (String code : DocPages.code(DocPages.read(page))) {
        Matcher m = COMMAND.matcher(code);
        while (m.find()) {
          checked++;
          problem(cli, words(m.group(1)))
              .ifPresent(p -> wrong.add(page + ": promptyard" + m.group(1) + ": " + p));
        }
      }
    }
    assertThat(checked).as("command lines found in the docs").isGreaterThan(50);
    assertThat(wrong).isEmpty();
  }

  @Test
  void everyProviderOfTheBundledCatalogHasASectionWithItsKeysAndExactlyItsModels() {
    String page = DocPages.read(PROVIDERS);
    Map<String, Heading> sections = new HashMap<>();
    DocPages.headings(page).forEach(h -> sections.put(h.plainText(), h));
    ModelCatalog catalog = ModelCatalog.bundled();

    for (ProviderSpec provider : catalog.providers()) {
      assertThat(sections)
          .as("docs/PROVIDERS.md has a section named %s", provider.name())
          .containsKey(provider.name());
      List<String> section = DocPages.section(page, sections.get(provider.name()));
      Set<String> named = codeNames(section);
      assertThat(named)
          .as("the section %s names its key variables", provider.name())
          .containsAll(provider.apiKeyEnv());

      Map<String, List<String>> rows = new TreeMap<>();
      DocPages.tableRows(section, "model")
          .forEach(row -> rows.put(row.getFirst().replace("`", ""), row));
      List<ModelSpec> models =
          catalog.models().stream().filter(m -> m.provider().equals(provider.name())).toList();
      assertThat(rows.keySet())
          .as("the models of section %s", provider.name())
          .containsExactlyInAnyOrderElementsOf(models.stream().map(ModelSpec::id).toList());
      models.forEach(
          model ->
              assertThat(Row.of(rows.get(model.id())))
                  .as("the row of %s in docs/PROVIDERS.md", model.qualifiedName())
                  .isEqualTo(Row.of(model)));
    }
  }

  @Test
  void everyAdapterTypeIsDocumented() {
    Set<String> named = codeNames(List.of(DocPages.read(PROVIDERS).split("\n")));

    assertThat(named).containsAll(ChatProviders.SUPPORTED_TYPES);
  }

  @Test
  void theReadmeModuleTableNamesEveryModuleWithItsDependencies() throws Exception {
    Map<String, Set<String>> documented = new TreeMap<>();
    for (List<String> row :
        DocPages.tableRows(List.of(DocPages.read(DocPages.README).split("\n")), "module")) {
      documented.put(row.getFirst().replace("`", ""), codeNames(List.of(row.getLast())));
    }

    Map<String, Set<String>> built = new TreeMap<>();
    Document parent = pom(DocPages.ROOT);
    NodeList modules = parent.getElementsByTagName("module");
    for (int i = 0; i < modules.getLength(); i++) {
      String module = modules.item(i).getTextContent().strip();
      built.put(module, mainDependencies(pom(DocPages.ROOT.resolve(module))));
    }
    assertThat(documented).isEqualTo(built);
  }

  /**
   * What is wrong with a command line of the docs (the words after {@code promptyard}), if
   * anything.
   */
  private static Optional<String> problem(CommandLine cli, List<String> words) {
    CommandLine command = cli;
    for (int i = 0; i < words.size(); i++) {
      String word = words.get(i);
      CommandSpec spec = command.getCommandSpec();
      if (word.startsWith("-")) {
        String name = word.contains("=") ? word.substring(0, word.indexOf('=')) : word;
        OptionSpec option = spec.findOption(name);
        if (option == null) {
          return Optional.of(spec.qualifiedName() + " has no option " + name);
        }
        if (!word.contains("=") && option.arity().min() > 0) {
          i++;
        }
      } else if (command.getSubcommands().containsKey(word)) {
        command = command.getSubcommands().get(word);
      } else if (!command.getSubcommands().isEmpty() && spec.positionalParameters().isEmpty()) {
        return Optional.of(
            spec.qualifiedName()
                + " has no subcommand "
                + word
                + " (it has "
                + command.getSubcommands().keySet()
                + ")");
      }
    }
    return Optional.empty();
  }

  /**
   * The words of a command line up to where the command ends: a comment, a pipe, a redirection, the
   * parenthesis of the sentence around it, or a word ending in ':' (a message the command printed,
   * not a command line).
   */
  private static List<String> words(String line) {
    List<String> words = new ArrayList<>();
    for (String word : line.strip().split(" +")) {
      if (word.isEmpty() || word.matches("^(#|\\||&|;|>|<|\\)).*") || word.endsWith(":")) {
        break;
      }
      if (word.contains(")")) {
        words.add(word.substring(0, word.indexOf(')')));
        break;
      }
      words.add(word);
    }
    return words;
  }

  private static Set<String> anchors(Path page) {
    if (!page.toString().endsWith(".md")) {
      return Set.of();
    }
    Set<String> anchors = new TreeSet<>();
    Map<String, Integer> seen = new HashMap<>();
    for (Heading h : DocPages.headings(DocPages.read(page))) {
      int n = seen.merge(h.anchor(), 1, Integer::sum);
      anchors.add(n == 1 ? h.anchor() : h.anchor() + "-" + (n - 1));
    }
    return anchors;
  }

  /** Every name written as inline code in {@code lines}. */
  private static Set<String> codeNames(List<String> lines) {
    Set<String> names = new TreeSet<>();
    for (String line : lines) {
      Matcher m = CODE_NAME.matcher(line);
      while (m.find()) {
        names.add(m.group(1));
      }
    }
    return names;
  }

  private static Document pom(Path directory) throws Exception {
    return DocumentBuilderFactory.newInstance()
        .newDocumentBuilder()
        .parse(directory.resolve("pom.xml").toFile());
  }

  /**
   * The Promptyard modules a module's main code depends on: its dependencies on them outside the
   * test scope.
   */
  private static Set<String> mainDependencies(Document pom) {
    Set<String> modules = new TreeSet<>();
    NodeList dependencies = pom.getElementsByTagName("dependency");
    for (int i = 0; i < dependencies.getLength(); i++) {
      Element dependency = (Element) dependencies.item(i);
      if (dependency.getParentNode().getParentNode() != pom.getDocumentElement()) {
        continue;
      }
      String group = text(dependency, "groupId");
      String scope = text(dependency, "scope");
      if ("io.promptyard".equals(group) && !"test".equals(scope)) {
        modules.add(text(dependency, "artifactId"));
      }
    }
    return modules;
  }

  private static String text(Element element, String child) {
    NodeList nodes = element.getElementsByTagName(child);
    return nodes.getLength() == 0 ? null : nodes.item(0).getTextContent().strip();
  }

  /** A model as its row of docs/PROVIDERS.md shows it, or as the catalog has it. */
  private record Row(
      int contextWindow,
      int maxOutputTokens,
      Set<Capability> capabilities,
      long inputPerMillion,
      long cachedInputPerMillion,
      long outputPerMillion,
      LocalDate readOn) {

    /**
     * A row's cells: model, context, max output, capabilities, $/M input, $/M cached input, $/M
     * output, read on.
     */
    static Row of(List<String> cells) {
      return new Row(
          number(cells.get(1)),
          number(cells.get(2)),
          Arrays.stream(cells.get(3).split(",")).map(Capability::parse).collect(Collectors.toSet()),
          micros(cells.get(4)),
          micros(cells.get(5)),
          micros(cells.get(6)),
          LocalDate.parse(cells.get(7).split(" ")[0]));
    }

    static Row of(ModelSpec model) {
      Prices p = model.prices();
      return new Row(
          model.contextWindow(),
          model.maxOutputTokens(),
          model.capabilities(),
          p.inputPerMillion(),
          p.cachedInputPerMillion(),
          p.outputPerMillion(),
          p.readOn());
    }

    /** A count as the page writes it: {@code 1,047,576}, maybe with a footnote mark. */
    private static int number(String cell) {
      return Integer.parseInt(cell.split(" ")[0].replace(",", ""));
    }

    private static long micros(String dollars) {
      return Prices.dollarsToMicros(new BigDecimal(dollars));
    }
  }
}
