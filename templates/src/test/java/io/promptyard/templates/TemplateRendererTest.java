package io.promptyard.templates;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.promptyard.schemas.CompletionRequest;
import io.promptyard.schemas.Message;
import io.promptyard.schemas.PromptTemplate;
import io.promptyard.schemas.Role;
import io.promptyard.schemas.TemplateMessage;
import io.promptyard.schemas.TemplateRef;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class TemplateRendererTest {

  private final TemplateRenderer renderer = new TemplateRenderer();

  private static PromptTemplate template(String version, String... userTexts) {
    List<TemplateMessage> messages = new java.util.ArrayList<>();
    messages.add(new TemplateMessage(Role.SYSTEM, "You write {{ style }} summaries."));
    for (String t : userTexts) {
      messages.add(new TemplateMessage(Role.USER, t));
    }
    return new PromptTemplate("summarize", version, null, messages, null);
  }

  @Test
  void variablesConditionalsAndLoopsAreRendered() throws Exception {
    PromptTemplate t =
        template(
            "1",
            "{% if audience == \"experts\" %}Be technical.{% else %}Avoid jargon.{% endif %}\n"
                + "{% for doc in docs | json %}- {{ doc.title }} ({{ doc.pages }} pages)\n{% endfor %}");

    List<Message> messages =
        renderer.render(
            t,
            Map.of(
                "style",
                "short",
                "audience",
                "experts",
                "docs",
                "[{\"title\":\"Kafka\",\"pages\":3},{\"title\":\"Avro\",\"pages\":12}]"));

    assertThat(messages).extracting(Message::getRole).containsExactly(Role.SYSTEM, Role.USER);
    assertThat(messages.get(0).getText()).isEqualTo("You write short summaries.");
    assertThat(messages.get(1).getText())
        .isEqualTo("Be technical.\n- Kafka (3 pages)\n- Avro (12 pages)\n");
  }

  @Test
  void aMissingVariableIsAnErrorNamingTheVariableTemplateAndMessageNotAnEmptyString() {
    PromptTemplate t = template("3", "Summarize {{ topic }}.");

    assertThatThrownBy(() -> renderer.render(t, Map.of("style", "short")))
        .isInstanceOf(TemplateException.class)
        .hasMessageContaining("template summarize@3, message 2 (user)")
        .hasMessageContaining("variable 'topic' is not set")
        .hasMessageContaining("[style]");
  }

  @Test
  void textIsNotHtmlEscaped() throws Exception {
    List<Message> messages =
        renderer.render(template("1", "Compare {{ a }}"), Map.of("style", "s", "a", "<b> & \"c\""));

    assertThat(messages.get(1).getText()).isEqualTo("Compare <b> & \"c\"");
  }

  @Test
  void aMessageThatRendersBlankIsLeftOut() throws Exception {
    List<Message> messages =
        renderer.render(
            template("1", "{% if extra is defined %}{{ extra }}{% endif %}", "Go."),
            Map.of("style", "plain"));

    assertThat(messages)
        .extracting(Message::getText)
        .containsExactly("You write plain summaries.", "Go.");
  }

  @Test
  void aTemplateThatDoesNotParseIsRefusedWhenChecked() {
    assertThatThrownBy(() -> renderer.check(template("2", "{% for x in %}")))
        .isInstanceOf(TemplateException.class)
        .hasMessageContaining("summarize@2, message 2")
        .hasMessageContaining("does not parse");
  }

  @Test
  void aVariableThatIsNotJsonFailsTheJsonFilterWithAReason() {
    assertThatThrownBy(
            () ->
                renderer.render(
                    template("1", "{% for d in docs | json %}{{ d }}{% endfor %}"),
                    Map.of("style", "s", "docs", "a, b")))
        .isInstanceOf(TemplateException.class)
        .hasMessageContaining("not JSON");
  }

  @Test
  void expandingARequestPutsRenderedMessagesBeforeItsOwnAndRecordsTheTemplateUsed()
      throws Exception {
    TemplateLibrary library =
        library(template("1", "Old {{ topic }}"), template("2", "Summarize {{ topic }}."));
    CompletionRequest request =
        CompletionRequest.newBuilder()
            .setId("r1")
            .setTeam("t")
            .setModel("cheap")
            .setMessages(
                List.of(
                    Message.newBuilder()
                        .setRole(Role.USER)
                        .setText("Keep it under 50 words.")
                        .build()))
            .setTemplate(
                new TemplateRef("summarize", null, Map.of("style", "dry", "topic", "Kafka")))
            .build();

    CompletionRequest expanded = renderer.expand(request, library);

    assertThat(expanded.getMessages())
        .extracting(Message::getText)
        .containsExactly("You write dry summaries.", "Summarize Kafka.", "Keep it under 50 words.");
    assertThat(expanded.getTemplate()).isNull();
    assertThat(expanded.getTags()).containsEntry("template", "summarize@2");
  }

  @Test
  void anUnknownVersionIsRefusedWithTheVersionsThatExist() {
    TemplateLibrary library = library(template("1", "x"), template("2", "y"));
    CompletionRequest request =
        CompletionRequest.newBuilder()
            .setId("r1")
            .setTeam("t")
            .setModel("cheap")
            .setTemplate(new TemplateRef("summarize", "7", Map.of()))
            .build();

    assertThatThrownBy(() -> renderer.expand(request, library))
        .isInstanceOf(TemplateException.class)
        .hasMessage("template 'summarize' has no version '7' (versions: 1, 2)");
  }

  @Test
  void versionsCompareNumericallyPartByPart() {
    assertThat(
            List.of("1.10", "1.9", "2", "1.9.1").stream().sorted(TemplateId.VERSION_ORDER).toList())
        .containsExactly("1.9", "1.9.1", "1.10", "2");
  }

  private static TemplateLibrary library(PromptTemplate... templates) {
    return new TemplateLibrary() {
      @Override
      public Optional<PromptTemplate> get(TemplateId id) {
        return java.util.Arrays.stream(templates)
            .filter(t -> t.getName().equals(id.name()) && t.getVersion().equals(id.version()))
            .findFirst();
      }

      @Override
      public List<String> versions(String name) {
        return java.util.Arrays.stream(templates)
            .filter(t -> t.getName().equals(name))
            .map(PromptTemplate::getVersion)
            .sorted(TemplateId.VERSION_ORDER)
            .toList();
      }
    };
  }
}
