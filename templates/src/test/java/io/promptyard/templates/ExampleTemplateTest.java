package io.promptyard.templates;

import static org.assertj.core.api.Assertions.assertThat;

import io.promptyard.schemas.Message;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The template example of docs/TEMPLATES.md is the file in examples/prompts, and renders as the
 * page says.
 */
class ExampleTemplateTest {

  private static final Path FILE = Path.of("..", "examples", "prompts", "summarize-2.yaml");

  @Test
  void theTemplatesPageShowsTheExampleFile() throws Exception {
    String page = Files.readString(Path.of("..", "docs", "TEMPLATES.md"));

    assertThat(page).contains("```yaml\n" + Files.readString(FILE) + "```");
  }

  @Test
  void theExampleRendersWithThePageVariables() throws Exception {
    List<Message> messages =
        new TemplateRenderer()
            .render(
                TemplateFiles.read(FILE),
                Map.of(
                    "audience",
                    "experts",
                    "docs",
                    "[{\"title\": \"Q3\", \"text\": \"Revenue grew.\"}]"));

    assertThat(messages)
        .extracting(Message::getText)
        .containsExactly(
            "You write technical summaries.",
            "Summarize these documents:\n- Q3: Revenue grew.\n\n");
  }
}
