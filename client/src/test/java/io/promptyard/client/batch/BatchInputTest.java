package io.promptyard.client.batch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.InstanceOfAssertFactories.type;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.promptyard.schemas.CompletionRequest;
import io.promptyard.schemas.Priority;
import io.promptyard.schemas.ingress.JsonIngress;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BatchInputTest {

  @TempDir Path dir;

  private Path file(String... lines) throws IOException {
    Path file = dir.resolve("batch.jsonl");
    Files.writeString(file, String.join("\n", lines) + "\n", StandardCharsets.UTF_8);
    return file;
  }

  private static String line(String customId, String extra) {
    return "{\"custom_id\": \""
        + customId
        + "\", \"method\": \"POST\", \"url\": \"/v1/chat/completions\", "
        + "\"body\": {\"model\": \"cheap\", \"messages\": [{\"role\": \"user\", \"content\": \"Explain "
        + customId
        + "\"}],"
        + " \"max_tokens\": 120}"
        + extra
        + "}";
  }

  @Test
  void linesBecomeIngressBodiesWithBatchScopedRequestIds() throws Exception {
    Path file =
        file(
            line("req-1", ", \"team\": \"search\""),
            "",
            line(
                "req-2",
                ", \"metadata\": {\"team\": \"support\", \"priority\": \"interactive\", \"tags\": {\"env\": \"prod\"}}"),
            line("req-3", ""));

    List<BatchInput.Line> lines = BatchInput.read(file, "nightly", "finance");

    assertThat(lines).extracting(BatchInput.Line::lineNumber).containsExactly(1, 3, 4);
    assertThat(lines)
        .extracting(BatchInput.Line::requestId)
        .containsExactly("nightly:req-1", "nightly:req-2", "nightly:req-3");
    assertThat(lines)
        .extracting(BatchInput.Line::customId)
        .containsExactly("req-1", "req-2", "req-3");
    assertThat(lines)
        .extracting(l -> l.ingressBody().path("metadata").path("team").asText())
        .as("team from the line, from its metadata, then the default")
        .containsExactly("search", "support", "finance");

    ObjectNode body = lines.get(1).ingressBody();
    assertThat(body.path("model").asText()).isEqualTo("cheap");
    assertThat(body.path("max_tokens").asInt()).isEqualTo(120);
    assertThat(body.path("metadata").path("request_id").asText()).isEqualTo("nightly:req-2");
    assertThat(body.path("metadata").path("custom_id").asText()).isEqualTo("req-2");
    assertThat(body.path("metadata").path("batch_id").asText()).isEqualTo("nightly");
  }

  @Test
  void ingressBodiesReadBackAsTheRequestsTheRouterWillSee() throws Exception {
    Path file =
        file(
            line(
                "req-2", ", \"metadata\": {\"team\": \"support\", \"priority\": \"interactive\"}"));
    BatchInput.Line line = BatchInput.read(file, "nightly", null).get(0);

    CompletionRequest request =
        JsonIngress.parse(JsonIngress.toBytes(line.ingressBody()), line.requestId());

    assertThat(request.getId()).isEqualTo("nightly:req-2");
    assertThat(request.getTeam()).isEqualTo("support");
    assertThat(request.getBatchId()).isEqualTo("nightly");
    assertThat(request.getCustomId()).isEqualTo("req-2");
    assertThat(request.getRouting().getPriority()).isEqualTo(Priority.INTERACTIVE);
    assertThat(request.getMessages()).hasSize(1);
  }

  @Test
  void aLineThatNamesNoTeamAndNoDefaultLeavesTeamForTheRouter() throws Exception {
    BatchInput.Line line = BatchInput.read(file(line("req-1", "")), "b", null).get(0);

    assertThat(line.ingressBody().path("metadata").has("team")).isFalse();
  }

  @Test
  void aBatchIdAndCustomIdInTheBodyCannotOverrideTheBatchScopedIds() throws Exception {
    String withOwnIds =
        "{\"custom_id\": \"req-1\", \"method\": \"POST\", \"url\": \"/v1/chat/completions\", "
            + "\"body\": {\"model\": \"cheap\", \"messages\": [], \"metadata\": {\"request_id\": \"sneaky\", \"batch_id\": \"other\"}}}";

    BatchInput.Line line = BatchInput.read(file(withOwnIds), "nightly", "t").get(0);

    assertThat(line.ingressBody().path("metadata").path("request_id").asText())
        .isEqualTo("nightly:req-1");
    assertThat(line.ingressBody().path("metadata").path("batch_id").asText()).isEqualTo("nightly");
  }

  @Test
  void everyInvalidLineIsReportedByNumberAndNothingIsReturned() throws Exception {
    Path file =
        file(
            line("ok-1", ""),
            "{not json",
            "{\"method\": \"POST\", \"url\": \"/v1/chat/completions\", \"body\": {}}",
            line("ok-1", ""),
            "{\"custom_id\": \"c4\", \"method\": \"POST\", \"url\": \"/v1/embeddings\", \"body\": {}}",
            "{\"custom_id\": \"c5\", \"method\": \"GET\", \"url\": \"/v1/chat/completions\", \"body\": {}}",
            "{\"custom_id\": \"c6\", \"method\": \"POST\", \"url\": \"/v1/chat/completions\", \"body\": \"hello\"}",
            line("ok-2", ""));

    assertThatThrownBy(() -> BatchInput.read(file, "b", "t"))
        .asInstanceOf(type(BatchInput.InvalidBatchException.class))
        .satisfies(
            e -> {
              assertThat(e.problems()).hasSize(6);
              assertThat(e.problems().get(0)).startsWith("line 2: not JSON");
              assertThat(e.problems().get(1))
                  .startsWith("line 3:")
                  .contains("custom_id is required");
              assertThat(e.problems().get(2))
                  .startsWith("line 4:")
                  .contains("'ok-1'")
                  .contains("twice");
              assertThat(e.problems().get(3)).startsWith("line 5:").contains("/v1/embeddings");
              assertThat(e.problems().get(4)).startsWith("line 6:").contains("method must be POST");
              assertThat(e.problems().get(5)).startsWith("line 7:").contains("body");
              assertThat(e.getMessage())
                  .contains("batch.jsonl")
                  .contains("6 invalid line(s)")
                  .contains("nothing was submitted");
            });
  }

  @Test
  void methodAndUrlAreRequiredAsInOpenAisFormat() throws Exception {
    Path file =
        file(
            "{\"custom_id\": \"c1\", \"url\": \"/v1/chat/completions\", \"body\": {\"messages\": []}}",
            "{\"custom_id\": \"c2\", \"method\": \"POST\", \"body\": {\"messages\": []}}",
            "{\"custom_id\": 3, \"method\": \"POST\", \"url\": \"/v1/chat/completions\", \"body\": {\"messages\": []}}");

    assertThatThrownBy(() -> BatchInput.read(file, "b", "t"))
        .asInstanceOf(type(BatchInput.InvalidBatchException.class))
        .extracting(BatchInput.InvalidBatchException::problems)
        .asInstanceOf(org.assertj.core.api.InstanceOfAssertFactories.list(String.class))
        .containsExactly(
            "line 1: method is required (POST)",
            "line 2: url is required (/v1/chat/completions)",
            "line 3: custom_id must be a string, was 3");
  }

  @Test
  void teamAndMetadataOfTheWrongShapeAreReported() throws Exception {
    Path file =
        file(
            line("c1", ", \"team\": 7"),
            line("c2", ", \"metadata\": \"nightly\""),
            line("c3", ", \"team\": null"));

    assertThatThrownBy(() -> BatchInput.read(file, "b", "t"))
        .asInstanceOf(type(BatchInput.InvalidBatchException.class))
        .extracting(BatchInput.InvalidBatchException::problems)
        .asInstanceOf(org.assertj.core.api.InstanceOfAssertFactories.list(String.class))
        .containsExactly("line 1: team must be a string", "line 2: metadata must be an object");
  }

  @Test
  void requestsTheRouterWouldRejectAreReportedBeforeSubmission() throws Exception {
    Path file =
        file(
            "{\"custom_id\": \"c1\", \"method\": \"POST\", \"url\": \"/v1/chat/completions\", "
                + "\"body\": {\"model\": \"cheap\", \"messages\": [{\"role\": \"wizard\", \"content\": \"hi\"}]}}",
            line("c2", ", \"metadata\": {\"priority\": \"urgent\"}"));

    assertThatThrownBy(() -> BatchInput.read(file, "b", "t"))
        .asInstanceOf(type(BatchInput.InvalidBatchException.class))
        .satisfies(
            e -> {
              assertThat(e.problems().get(0)).startsWith("line 1:").contains("messages[0].role");
              assertThat(e.problems().get(1)).startsWith("line 2:").contains("metadata.priority");
            });
  }

  @Test
  void twoObjectsOnOneLineAreAnError() throws Exception {
    Path file = file(line("c1", "") + " " + line("c2", ""));

    assertThatThrownBy(() -> BatchInput.read(file, "b", "t"))
        .asInstanceOf(type(BatchInput.InvalidBatchException.class))
        .satisfies(
            e ->
                assertThat(e.problems())
                    .singleElement(org.assertj.core.api.InstanceOfAssertFactories.STRING)
                    .startsWith("line 1: not JSON"));
  }

  @Test
  void aByteOrderMarkBeforeTheFirstLineIsIgnored() throws Exception {
    Path file = file("\uFEFF" + line("c1", ""));

    assertThat(BatchInput.read(file, "b", "t"))
        .extracting(BatchInput.Line::customId)
        .containsExactly("c1");
  }

  @Test
  void theShippedExampleBatchIsValid() throws Exception {
    Path example = Path.of("..", "examples", "batch.jsonl");
    org.junit.jupiter.api.Assumptions.assumeTrue(
        Files.exists(example), "examples/batch.jsonl is next to the client module");

    List<BatchInput.Line> lines = BatchInput.read(example, "example", null);

    // Its demo lines (unknown model, missing team) are well-formed: the router, not the client,
    // rejects them.
    assertThat(lines).isNotEmpty();
  }
}
