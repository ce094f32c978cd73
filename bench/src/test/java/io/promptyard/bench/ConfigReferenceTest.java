package io.promptyard.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.promptyard.router.RouterConfig;
import io.promptyard.schemas.config.CommonConfig;
import io.promptyard.schemas.config.ConfigKey;
import io.promptyard.usage.UsageAggregatorApp;
import io.promptyard.worker.WorkerConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * docs/CONFIGURATION.md names every {@code PROMPTYARD_*} variable the code reads, with the code's
 * defaults, and no other; and no page names a variable the code does not read.
 */
class ConfigReferenceTest {

  private static final Path PAGE = DocPages.DOCS.resolve("CONFIGURATION.md");

  /** A row of a table: a variable, or a family of them such as {@code PROMPTYARD_KAFKA_*}. */
  private static final Pattern ROW =
      Pattern.compile("^\\| `(PROMPTYARD_[A-Z_]+\\*?)` \\| ([^|]+) \\|");

  /** A variable's name; {@code PROMPTYARD_ROUTER_*}, a family of them, is not one. */
  private static final Pattern VARIABLE = Pattern.compile("\\bPROMPTYARD_[A-Z0-9_]+\\b(?!\\*)");

  /**
   * Where the code that runs reads its variables: main sources and resources, and the scripts that
   * start it.
   */
  private static final List<String> SCRIPTS =
      List.of("bin", ".mvn", "deploy", ".ci", "docker-compose.yml");

  @Test
  void theConfigurationTableListsEveryServiceKeyWithItsDefault() {
    Map<String, String> documented = documented();
    for (ConfigKey key : serviceKeys()) {
      assertThat(documented)
          .as("docs/CONFIGURATION.md documents %s", key.name())
          .containsKey(key.name());
      if (key.defaultValue() != null) {
        assertThat(documented.get(key.name()))
            .as("docs/CONFIGURATION.md default of %s", key.name())
            .isEqualTo("`" + key.defaultValue() + "`");
      }
    }
  }

  @Test
  void theConfigurationTablesListEveryVariableTheCodeReadsAndNoOther() throws IOException {
    Set<String> read = new TreeSet<>(variablesReadByTheCode().keySet());
    // an example of a documented family (PROMPTYARD_KAFKA_SASL_MECHANISM) is the family's row
    read.removeIf(v -> !documented().containsKey(v) && inDocumentedFamily(v));
    serviceKeys().forEach(k -> read.add(k.name()));

    assertThat(documented().keySet())
        .as(
            "the variables of docs/CONFIGURATION.md's tables, against those the code reads "
                + "(where: %s)",
            variablesReadByTheCode())
        .containsExactlyInAnyOrderElementsOf(read);
  }

  @Test
  void everyVariableTheDocsNameIsOneTheCodeReads() {
    Set<String> documented = documented().keySet();
    for (Path page : DocPages.all()) {
      Matcher m = VARIABLE.matcher(DocPages.read(page));
      while (m.find()) {
        if (!inDocumentedFamily(m.group())) {
          assertThat(documented).as("%s names %s", page, m.group()).contains(m.group());
        }
      }
    }
  }

  private static List<ConfigKey> serviceKeys() {
    List<ConfigKey> keys = new ArrayList<>(CommonConfig.KEYS);
    keys.addAll(RouterConfig.KEYS);
    keys.addAll(WorkerConfig.KEYS);
    keys.addAll(UsageAggregatorApp.KEYS);
    return keys;
  }

  /** Whether {@code variable} is one of a family the tables document, e.g. PROMPTYARD_KAFKA_*. */
  private static boolean inDocumentedFamily(String variable) {
    return documented().keySet().stream()
        .filter(k -> k.endsWith("*"))
        .anyMatch(k -> variable.startsWith(k.substring(0, k.length() - 1)));
  }

  /** The variables of the page's tables, with their default column. */
  private static Map<String, String> documented() {
    Map<String, String> documented = new LinkedHashMap<>();
    for (String line : DocPages.read(PAGE).split("\n")) {
      Matcher m = ROW.matcher(line);
      if (m.find()) {
        documented.put(m.group(1), m.group(2).trim());
      }
    }
    return documented;
  }

  /** Each variable named in main code, resources or scripts, with one file that names it. */
  private static Map<String, Path> variablesReadByTheCode() throws IOException {
    Map<String, Path> read = new TreeMap<>();
    List<Path> files = new ArrayList<>();
    try (Stream<Path> all = Files.walk(DocPages.ROOT)) {
      all.filter(Files::isRegularFile)
          .filter(p -> !p.toString().contains("/target/") && !p.toString().contains("/.git/"))
          .filter(
              p ->
                  p.toString().contains("/src/main/")
                      || SCRIPTS.contains(DocPages.ROOT.relativize(p).getName(0).toString()))
          .forEach(files::add);
    }
    for (Path file : files) {
      String text;
      try {
        text = Files.readString(file);
      } catch (java.nio.charset.MalformedInputException binary) {
        continue;
      }
      Matcher m = VARIABLE.matcher(text);
      while (m.find()) {
        read.putIfAbsent(m.group(), DocPages.ROOT.relativize(file));
      }
    }
    return read;
  }
}
