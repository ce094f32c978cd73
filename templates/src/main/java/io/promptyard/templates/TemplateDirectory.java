package io.promptyard.templates;

import io.promptyard.schemas.PromptTemplate;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The templates in a directory: every {@code .yaml}, {@code .yml} and {@code .json} file directly
 * in it, read and checked once when the library is opened (see {@link TemplateFiles} for the
 * format).
 */
public final class TemplateDirectory implements TemplateLibrary {

  private final Map<TemplateId, PromptTemplate> templates;

  private TemplateDirectory(Map<TemplateId, PromptTemplate> templates) {
    this.templates = Map.copyOf(templates);
  }

  /**
   * Reads every template file of a directory.
   *
   * @throws TemplateException when a file is invalid or two files define the same name@version
   */
  public static TemplateDirectory open(Path directory) throws TemplateException {
    Map<TemplateId, PromptTemplate> found = new HashMap<>();
    Map<TemplateId, Path> from = new HashMap<>();
    List<Path> files;
    try (Stream<Path> list = Files.list(directory)) {
      files =
          list.filter(p -> p.getFileName().toString().matches("(?i).*\\.(ya?ml|json)"))
              .sorted()
              .toList();
    } catch (IOException e) {
      throw new TemplateException(
          "cannot list template directory " + directory + ": " + e.getMessage(), e);
    }
    for (Path file : files) {
      PromptTemplate t = TemplateFiles.read(file);
      TemplateId id = new TemplateId(t.getName(), t.getVersion());
      if (found.putIfAbsent(id, t) != null) {
        throw new TemplateException(file + " and " + from.get(id) + " both define template " + id);
      }
      from.put(id, file);
    }
    return new TemplateDirectory(found);
  }

  /** Every template of the directory. */
  public List<PromptTemplate> all() {
    return templates.values().stream().toList();
  }

  @Override
  public Optional<PromptTemplate> get(TemplateId id) {
    return Optional.ofNullable(templates.get(id));
  }

  @Override
  public List<String> versions(String name) {
    return templates.keySet().stream()
        .filter(id -> id.name().equals(name))
        .map(TemplateId::version)
        .sorted(TemplateId.VERSION_ORDER)
        .toList();
  }
}
