package io.promptyard.router;

import static org.assertj.core.api.Assertions.assertThat;

import io.promptyard.schemas.CompletionResult;
import io.promptyard.schemas.ErrorCode;
import io.promptyard.schemas.ResultStatus;
import io.promptyard.schemas.RoutedRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * OpenAI chat-completions parameters no provider adapter receives ({@code n}, {@code logprobs}, …)
 * and body fields the API does not have: REJECTED naming them, or dropped knowingly with {@code
 * drop_params}, never dropped without a word. {@code gamma/g-mini} is the cheapest model of the
 * test catalog.
 */
class OpenAiParametersTopologyTest {

  private final RouterDriver router = new RouterDriver(TestCatalog.catalog());

  @AfterEach
  void close() {
    router.close();
  }

  @Test
  void aParameterNoProviderReceivesIsRejectedNamingItBeforeAnyRoute() {
    router.json(body("\"n\": 3", ""));

    CompletionResult r = router.results.readValue();
    assertThat(r.getStatus()).isEqualTo(ResultStatus.REJECTED);
    assertThat(r.getError().getCode()).isEqualTo(ErrorCode.INVALID_REQUEST);
    assertThat(r.getError().getMessage())
        .isEqualTo(
            "'n' is not supported by Promptyard's providers; set metadata.drop_params to drop it");
    assertThat(r.getTeam()).isEqualTo("t");
    assertThat(router.route("gamma").isEmpty()).isTrue();
  }

  @Test
  void aFieldTheApiDoesNotHaveIsRejectedToo() {
    router.json(body("\"top_k\": 40, \"logprobs\": true", ""));

    assertThat(router.results.readValue().getError().getMessage())
        .isEqualTo(
            "'top_k' is not a chat-completions parameter, 'logprobs' is not supported by"
                + " Promptyard's providers; set metadata.drop_params to drop them");
  }

  @Test
  void aParameterAtItsDocumentedNoEffectDefaultIsRouted() {
    router.json(body("\"n\": 1, \"presence_penalty\": 0, \"logprobs\": false", ""));

    assertThat(router.route("gamma").readValue().getDecision().getReason())
        .doesNotContain("drop_params");
    assertThat(router.results.isEmpty()).isTrue();
  }

  @Test
  void withDropParamsTheRequestIsRoutedAndTheReasonNamesWhatWasDropped() {
    router.json(body("\"n\": 3, \"reasoning_effort\": \"high\"", "\"drop_params\": true"));

    RoutedRequest routed = router.route("gamma").readValue();
    assertThat(routed.getDecision().getReason())
        .endsWith(
            "; drop_params dropped n, reasoning_effort: not carried to Promptyard's providers");
    assertThat(router.results.isEmpty()).isTrue();
  }

  @Test
  void aTeamThatDropsParamsByDefaultGetsThemDroppedWithoutAskingAndOthersDoNot() {
    try (RouterDriver teamDefault =
        new RouterDriver(TestCatalog.catalog(), RouterDriver.droppingParamsOf("t"))) {
      teamDefault.json(body("\"store\": true", ""));
      teamDefault.json(body("\"store\": true", "").replace("\"t\"", "\"other\""));

      assertThat(teamDefault.route("gamma").readValue().getDecision().getReason())
          .contains("drop_params dropped store");
      CompletionResult other = teamDefault.results.readValue();
      assertThat(other.getTeam()).isEqualTo("other");
      assertThat(other.getError().getMessage()).startsWith("'store' is not supported");
    }
  }

  private static String body(String params, String metadata) {
    return "{\"model\": \"cheap\", \"messages\": [{\"role\": \"user\", \"content\": \"hi\"}], "
        + params
        + ", \"metadata\": {\"team\": \"t\", \"request_id\": \"r1\""
        + (metadata.isEmpty() ? "" : ", " + metadata)
        + "}}";
  }
}
