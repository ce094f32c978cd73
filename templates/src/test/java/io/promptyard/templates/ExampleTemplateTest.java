package io.promptyard.templates;

import static org.assertj.core.api.Assertions.assertThat;

import io.promptyard.schemas.Message;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The README's template example is the file in examples/prompts, and renders as the README says. */
class ExampleTemplateTest {

  private static final Path FILE = Path.of("..", "examples", "prompts", "summarize-2.yaml");

  @Test
  void theReadmeShowsTheExampleFile() throws Exception {
    String readme = Files.readString(Path.of("..", "README.md"));

    assertThat(readme).contains("```yaml\n" + Files.readString(FILE) + "```");
  }

  @Test
  void theExampleRendersWithTheReadmeVariables() throws Exception {
    List<Message> messages = new TemplateRenderer().render(TemplateFiles.read(FILE),
        Map.of("audience", "experts", "docs", "[{\"title\": \"Q3\", \"text\": \"Revenue grew.\"}]"));

    assertThat(messages).extracting(Message::getText).containsExactly("You write technical summaries.",
        "Summarize these documents:\n- Q3: Revenue grew.\n\n");
  }
}
