package io.promptyard.router.routing;

import static org.assertj.core.api.Assertions.assertThat;

import com.knuddels.jtokkit.Encodings;
import com.knuddels.jtokkit.api.EncodingRegistry;
import com.knuddels.jtokkit.api.EncodingType;
import io.promptyard.catalog.ModelCatalog;
import io.promptyard.catalog.ModelSpec;
import io.promptyard.router.TestCatalog;
import io.promptyard.router.routing.TokenEstimator.Tokenizer;
import io.promptyard.schemas.CompletionRequest;
import io.promptyard.schemas.ContentPart;
import io.promptyard.schemas.Message;
import io.promptyard.schemas.Role;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class TokenEstimatorTest {

  private static final ModelCatalog BUNDLED = ModelCatalog.bundled();

  @Test
  void openAiModelsAreCountedWithTheirOwnTokenizerWhereverTheyAreHosted() {
    assertThat(TokenEstimator.tokenizerOf(bundled("openai", "gpt-4o-mini")))
        .isEqualTo(Tokenizer.O200K_BASE);
    assertThat(TokenEstimator.tokenizerOf(bundled("openai", "gpt-4.1")))
        .isEqualTo(Tokenizer.O200K_BASE);
    assertThat(TokenEstimator.tokenizerOf(bundled("azure", "gpt-4o")))
        .isEqualTo(Tokenizer.O200K_BASE);
    assertThat(TokenEstimator.tokenizerOf(bundled("groq", "openai/gpt-oss-120b")))
        .isEqualTo(Tokenizer.O200K_BASE);
    assertThat(TokenEstimator.tokenizerOf(model("openai", "gpt-4-turbo")))
        .isEqualTo(Tokenizer.CL100K_BASE);
    assertThat(TokenEstimator.tokenizerOf(model("openai", "o3-mini")))
        .isEqualTo(Tokenizer.O200K_BASE);
    assertThat(TokenEstimator.tokenizerOf(bundled("anthropic", "claude-sonnet-5")))
        .isEqualTo(Tokenizer.CALIBRATED);
    assertThat(TokenEstimator.tokenizerOf(bundled("ollama", "llama3.1:8b")))
        .isEqualTo(Tokenizer.CALIBRATED);
  }

  @Test
  void anOpenAiModelsEstimateIsItsTokenizersCountPlusTheChatFraming() {
    CompletionRequest r =
        request(Message.newBuilder().setRole(Role.USER).setText("Hello, world!").build());

    // o200k_base: "Hello" "," " world" "!" = 4 tokens; 3 for the request and 4 for the one message
    assertThat(TokenEstimator.of(r).tokensFor(bundled("openai", "gpt-4o-mini")))
        .isEqualTo(4 + 3 + 4);
  }

  @Test
  void eachImageAddsAFlatCharge() {
    CompletionRequest text =
        request(Message.newBuilder().setRole(Role.USER).setText("What is this?").build());
    CompletionRequest image =
        request(
            Message.newBuilder()
                .setRole(Role.USER)
                .setParts(
                    List.of(
                        ContentPart.newBuilder().setType("text").setText("What is this?").build(),
                        ContentPart.newBuilder()
                            .setType("image_url")
                            .setImageUrl("https://x/y.png")
                            .build()))
                .build());

    ModelSpec m = bundled("openai", "gpt-4o");
    assertThat(TokenEstimator.of(image).tokensFor(m) - TokenEstimator.of(text).tokensFor(m))
        .isEqualTo(765);
  }

  @Test
  void theCalibratedEstimateStaysWithinAQuarterOfTheOpenAiCountsOnTheCalibrationCorpus()
      throws IOException {
    EncodingRegistry registry = Encodings.newLazyEncodingRegistry();
    List<String> failures = new ArrayList<>();
    for (String text : corpus()) {
      int reference =
          Math.max(
              registry.getEncoding(EncodingType.O200K_BASE).countTokensOrdinary(text),
              registry.getEncoding(EncodingType.CL100K_BASE).countTokensOrdinary(text));
      long estimate = TokenEstimator.calibrated(text);
      double error = (double) estimate / reference - 1;
      if (Math.abs(error) > 0.25) {
        failures.add(
            String.format(
                "%+.0f%% (%d vs %d) on %s",
                error * 100, estimate, reference, text.substring(0, 30).strip()));
      }
    }
    assertThat(failures).isEmpty();
  }

  @Test
  void modelsOfTheTestCatalogUseTheCalibratedEstimate() {
    assertThat(TestCatalog.catalog().models())
        .allMatch(m -> TokenEstimator.tokenizerOf(m) == Tokenizer.CALIBRATED);
  }

  /**
   * The texts the calibrated weights were fitted to: docs, YAML, code, prompts, and ten languages
   * line by line.
   */
  private static List<String> corpus() throws IOException {
    List<String> texts = new ArrayList<>();
    for (String file :
        List.of(
            "../README.md",
            "../docs/PROVIDERS.md",
            "../catalog/src/main/resources/catalog/models.yaml",
            "src/main/java/io/promptyard/router/routing/RoutingPolicy.java",
            "../schemas/src/main/java/io/promptyard/schemas/ingress/JsonIngress.java")) {
      texts.add(Files.readString(Path.of(file)));
    }
    StringBuilder prompts = new StringBuilder();
    var json = new com.fasterxml.jackson.databind.ObjectMapper();
    for (String line : Files.readAllLines(Path.of("../examples/batch.jsonl"))) {
      json.readTree(line)
          .path("body")
          .path("messages")
          .forEach(
              m -> {
                if (m.path("content").isTextual()) {
                  prompts.append(m.path("content").asText()).append('\n');
                }
              });
    }
    texts.add(prompts.toString());
    texts.addAll(Files.readAllLines(Path.of("src/test/resources/calibration/multilingual.txt")));
    return texts;
  }

  private static CompletionRequest request(Message m) {
    return CompletionRequest.newBuilder()
        .setId("r")
        .setTeam("t")
        .setModel("m")
        .setMessages(List.of(m))
        .build();
  }

  private static ModelSpec bundled(String provider, String id) {
    return BUNDLED.find(provider, id).orElseThrow();
  }

  private static ModelSpec model(String provider, String id) {
    return TestCatalog.model(provider, id, List.of(), 1000, 100, Set.of(), "1", "1");
  }
}
