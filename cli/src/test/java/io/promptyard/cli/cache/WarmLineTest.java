package io.promptyard.cli.cache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.promptyard.catalog.Usage;
import io.promptyard.schemas.CacheMode;
import org.junit.jupiter.api.Test;

/** The lines of a {@code promptyard cache warm} file, and what is said about a bad one. */
class WarmLineTest {

  private static final String REQUEST =
      "{\"model\": \"cheap\", \"messages\": [{\"role\": \"user\", \"content\": \"Hi?\"}],"
          + " \"metadata\": {\"team\": \"search\", \"cache\": {\"mode\": \"semantic\"}}}";

  @Test
  void aLinePairsAnIngressRequestWithItsAnswerAndTheModelThatGaveIt() throws Exception {
    WarmLine line =
        WarmLine.parse(
            "{\"request\": "
                + REQUEST
                + ", \"answer\": {\"content\": \"Hello.\", \"model\": \"sim/sim-mini\", \"usage\":"
                + " {\"prompt_tokens\": 12, \"completion_tokens\": 3,"
                + " \"prompt_tokens_details\": {\"cached_tokens\": 2}}}}",
            "warm:f:1");

    assertThat(line.request().getId()).isEqualTo("warm:f:1");
    assertThat(line.request().getTeam()).isEqualTo("search");
    assertThat(line.request().getCache().getMode()).isEqualTo(CacheMode.SEMANTIC);
    assertThat(line.provider()).isEqualTo("sim");
    assertThat(line.model()).isEqualTo("sim-mini");
    assertThat(line.answer().output().getText()).isEqualTo("Hello.");
    assertThat(line.answer().output().getFinishReason()).isEqualTo("stop");
    assertThat(line.answer().usage()).isEqualTo(new Usage(12, 3, 2, 0));
  }

  @Test
  void aBatchInputLineIsARequestTooWithItsTeamAndCustomId() throws Exception {
    WarmLine line =
        WarmLine.parse(
            "{\"request\": {\"custom_id\": \"q1\", \"method\": \"POST\", \"url\":"
                + " \"/v1/chat/completions\", \"team\": \"support\", \"body\": {\"model\":"
                + " \"sim/sim-mini\", \"messages\": [{\"role\": \"user\", \"content\":"
                + " \"Hi?\"}]}}, \"answer\": {\"content\": \"Hello.\"}}",
            "warm:f:2");

    assertThat(line.request().getTeam()).isEqualTo("support");
    assertThat(line.request().getCustomId()).isEqualTo("q1");
    assertThat(line.provider() + "/" + line.model()).isEqualTo("sim/sim-mini");
    assertThat(line.answer().usage()).isEqualTo(new Usage(0, 0, 0, 0));
  }

  @Test
  void aBadLineSaysWhatIsWrong() {
    assertBad("{not json", "not JSON");
    assertBad("[1]", "expected a JSON object with request and answer");
    assertBad("{\"answer\": {\"content\": \"x\"}}", "request must be an object");
    assertBad("{\"request\": " + REQUEST + "}", "answer must be an object");
    assertBad(
        "{\"request\": " + REQUEST + ", \"answer\": {\"content\": 5, \"model\": \"sim/sim-mini\"}}",
        "answer.content must be a string");
    assertBad(
        "{\"request\": " + REQUEST + ", \"answer\": {\"content\": \"Hello.\"}}",
        "answer.model must name the provider/model that answered (the request's model 'cheap'");
    assertBad(
        "{\"request\": "
            + REQUEST
            + ", \"answer\": {\"content\": \"x\", \"model\": \"sim/sim-mini\", \"usage\":"
            + " {\"prompt_tokens\": -1}}}",
        "answer.usage.prompt_tokens must be a whole number of tokens, was -1");
    assertBad(
        "{\"request\": {\"model\": \"sim/sim-mini\", \"messages\": [{\"role\": \"user\","
            + " \"content\": \"Hi?\"}]}, \"answer\": {\"content\": \"x\"}}",
        "metadata.team is required");
    assertBad(
        "{\"request\": {\"model\": \"sim/sim-mini\", \"metadata\": {\"team\": \"t\"}, \"messages\":"
            + " \"Hi\"}, \"answer\": {\"content\": \"x\"}}",
        "request: ");
  }

  private static void assertBad(String line, String said) {
    assertThatThrownBy(() -> WarmLine.parse(line, "warm:f:1"))
        .isInstanceOf(WarmLine.BadLine.class)
        .hasMessageContaining(said);
  }
}
