package io.promptyard.templates;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.promptyard.schemas.Message;
import io.promptyard.schemas.PromptTemplate;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TemplateDirectoryTest {

  @TempDir Path dir;

  @Test
  void yamlAndJsonFilesAreReadAndTheLatestVersionIsFound() throws Exception {
    Files.writeString(
        dir.resolve("greet-1.yaml"),
        """
        name: greet
        version: "1"
        messages:
          - role: user
            text: Hello {{ who }}
        """);
    Files.writeString(
        dir.resolve("greet-10.json"),
        """
        {"name": "greet", "version": "10", "messages": [{"role": "user", "text": "Hi {{ who }}"}]}
        """);
    Files.writeString(
        dir.resolve("greet-9.yml"),
        """
        name: greet
        version: "9"
        messages: [{role: system, text: "Bye {{ who }}"}]
        """);
    Files.writeString(dir.resolve("README.txt"), "not a template");

    TemplateDirectory library = TemplateDirectory.open(dir);
    PromptTemplate latest = library.require("greet", null);

    assertThat(library.versions("greet")).containsExactly("1", "9", "10");
    assertThat(latest.getVersion()).isEqualTo("10");
    assertThat(new TemplateRenderer().render(latest, Map.of("who", "Ada")))
        .extracting(Message::getText)
        .containsExactly("Hi Ada");
  }

  @Test
  void aFileWithAnUnknownRoleIsRefusedNamingTheFile() throws Exception {
    Path file = dir.resolve("bad.yaml");
    Files.writeString(
        file,
        """
        name: bad
        version: "1"
        messages: [{role: robot, text: "x"}]
        """);

    assertThatThrownBy(() -> TemplateDirectory.open(dir))
        .isInstanceOf(TemplateException.class)
        .hasMessageContaining(file.toString())
        .hasMessageContaining("role 'robot'");
  }

  @Test
  void twoFilesDefiningTheSameVersionAreRefused() throws Exception {
    String body = "name: same\nversion: \"1\"\nmessages: [{role: user, text: x}]\n";
    Files.writeString(dir.resolve("a.yaml"), body);
    Files.writeString(dir.resolve("b.yaml"), body);

    assertThatThrownBy(() -> TemplateDirectory.open(dir))
        .isInstanceOf(TemplateException.class)
        .hasMessageContaining("both define template same@1");
  }

  @Test
  void aMissingTemplateIsNamed() throws Exception {
    assertThatThrownBy(() -> TemplateDirectory.open(dir).require("nope", "1"))
        .isInstanceOf(TemplateException.class)
        .hasMessage("template 'nope' does not exist");
  }
}
