package io.promptyard.templates;

import io.promptyard.schemas.PromptTemplate;
import java.util.List;
import java.util.Optional;

/** Where templates are looked up: a directory of files (client) or the templates topic (router). */
public interface TemplateLibrary {

  /**
   * The template stored under exactly this name and version.
   *
   * @throws TemplateException when it is stored but cannot be read
   */
  Optional<PromptTemplate> get(TemplateId id) throws TemplateException;

  /**
   * The versions stored under a name, oldest first by {@link TemplateId#VERSION_ORDER}; empty when
   * none.
   */
  List<String> versions(String name);

  /**
   * The template a request refers to: the given version, or the latest one when {@code version} is
   * null.
   *
   * @throws TemplateException naming the template and the versions that do exist
   */
  default PromptTemplate require(String name, String version) throws TemplateException {
    if (name == null || name.isBlank()) {
      throw new TemplateException("the template reference has no name");
    }
    List<String> known = versions(name);
    if (known.isEmpty()) {
      throw new TemplateException("template '" + name + "' does not exist");
    }
    String wanted = version == null || version.isBlank() ? known.getLast() : version;
    Optional<PromptTemplate> found;
    try {
      found = get(new TemplateId(name, wanted));
    } catch (IllegalArgumentException e) {
      throw new TemplateException(e.getMessage());
    }
    return found.orElseThrow(
        () ->
            new TemplateException(
                "template '"
                    + name
                    + "' has no version '"
                    + wanted
                    + "' (versions: "
                    + String.join(", ", known)
                    + ")"));
  }
}
