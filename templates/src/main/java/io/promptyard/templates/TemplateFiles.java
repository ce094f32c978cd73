package io.promptyard.templates;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.promptyard.schemas.PromptTemplate;
import io.promptyard.schemas.Role;
import io.promptyard.schemas.TemplateMessage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Reads a template file, YAML or JSON:
 *
 * <pre>
 * name: summarize
 * version: "2"
 * description: optional words for people
 * messages:
 *   - role: system
 *     text: You write {{ style }} summaries.
 *   - role: user
 *     text: |
 *       {% for doc in docs | json %}- {{ doc }}
 *       {% endfor %}
 * </pre>
 */
public final class TemplateFiles {

  private static final ObjectMapper YAML =
      new ObjectMapper(new YAMLFactory())
          .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, true);
  private static final TemplateRenderer CHECKER = new TemplateRenderer();

  private TemplateFiles() {}

  /** The file's shape. */
  record FileMessage(String role, String text) {}

  /** The file's shape. */
  record FileTemplate(
      String name, String version, String description, List<FileMessage> messages) {}

  /**
   * Reads and checks one template file.
   *
   * @throws TemplateException naming the file and what is wrong in it (unknown role, missing field,
   *     bad syntax)
   */
  public static PromptTemplate read(Path file) throws TemplateException {
    FileTemplate t;
    try {
      t = YAML.readValue(file.toFile(), FileTemplate.class);
    } catch (IOException e) {
      throw new TemplateException(
          file + " is not a template file: " + e.getMessage().lines().findFirst().orElse(""), e);
    }
    if (t == null || t.name() == null || t.version() == null || t.messages() == null) {
      throw new TemplateException(file + ": name, version and messages are required");
    }
    try {
      new TemplateId(t.name(), t.version());
    } catch (IllegalArgumentException e) {
      throw new TemplateException(file + ": " + e.getMessage());
    }
    List<TemplateMessage> messages = new ArrayList<>();
    for (int i = 0; i < t.messages().size(); i++) {
      FileMessage m = t.messages().get(i);
      if (m == null || m.role() == null || m.text() == null) {
        throw new TemplateException(file + ": messages[" + i + "] needs a role and a text");
      }
      messages.add(new TemplateMessage(role(file, i, m.role()), m.text()));
    }
    PromptTemplate template =
        new PromptTemplate(t.name(), t.version(), t.description(), messages, null);
    try {
      CHECKER.check(template);
    } catch (TemplateException e) {
      throw new TemplateException(file + ": " + e.getMessage(), e);
    }
    return template;
  }

  private static Role role(Path file, int index, String name) throws TemplateException {
    try {
      Role role = Role.valueOf(name.toUpperCase(Locale.ROOT));
      if (role != Role.UNKNOWN_ROLE) {
        return role;
      }
    } catch (IllegalArgumentException ignored) {
      // reported below with the roles that are allowed
    }
    throw new TemplateException(
        file
            + ": messages["
            + index
            + "] has role '"
            + name
            + "'; use system, developer, user, assistant or tool");
  }
}
