package io.promptyard.cli.templates;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class TemplatesCommandTest {

  @TempDir Path dir;

  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  private int run(String... args) {
    CommandLine cli = new CommandLine(new TemplatesCommand());
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    return cli.execute(args);
  }

  @Test
  void renderPrintsEachMessageWithItsRole() throws Exception {
    Path file = dir.resolve("brief.yaml");
    Files.writeString(
        file,
        """
        name: brief
        version: "1"
        messages:
          - role: system
            text: You brief {{ audience }}.
          - role: user
            text: "Topics:{% for t in topics | json %} {{ t }}{% endfor %}"
        """);

    int code =
        run(
            "render",
            file.toString(),
            "--var",
            "audience=operators",
            "--var",
            "topics=[\"lag\", \"quotas\"]");

    assertThat(code).isZero();
    assertThat(out.toString())
        .isEqualTo("[system]\nYou brief operators.\n[user]\nTopics: lag quotas\n");
  }

  @Test
  void renderWithAMissingVariableExitsNonZeroNamingIt() throws Exception {
    Path file = dir.resolve("t.yaml");
    Files.writeString(
        file, "name: t\nversion: \"1\"\nmessages: [{role: user, text: \"{{ topic }}\"}]\n");

    int code = run("render", file.toString());

    assertThat(code).isNotZero();
    assertThat(err.toString()).contains("variable 'topic' is not set");
  }
}
