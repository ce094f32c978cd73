package io.promptyard.systemtests;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.notContaining;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import io.promptyard.catalog.ModelCatalog;
import io.promptyard.cli.Main;
import io.promptyard.client.CompletionFailedException;
import io.promptyard.client.CompletionRequests;
import io.promptyard.client.PromptyardClient;
import io.promptyard.client.StructuredOutputException;
import io.promptyard.dev.DevStack;
import io.promptyard.schemas.CompletionResult;
import io.promptyard.schemas.ErrorCode;
import io.promptyard.schemas.PromptTemplate;
import io.promptyard.schemas.ResultStatus;
import io.promptyard.schemas.Role;
import io.promptyard.schemas.TemplateMessage;
import io.promptyard.systemtests.example.QuickStart;
import io.promptyard.testkit.provider.SimulatedProvider;
import io.promptyard.testkit.provider.SimulatorConfig;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The Java client against the whole stack in one JVM: broker, router (templates included), worker,
 * aggregator. The OpenAI adapter calls WireMock, which passes every call to the simulated provider
 * except the ones a test scripts (an answer that breaks the requested JSON Schema, in the
 * documented chat.completion shape).
 */
class ClientEndToEndIT {

  private static final String BAD_CITY_QUESTION = "Which city hosts the repair test?";
  private static final String HOPELESS_QUESTION = "Which city never answers in JSON?";

  private static SimulatedProvider simulator;
  private static WireMockServer provider;
  private static DevStack stack;

  /** A client reading only its own reply topic, as the client does by default. */
  private static PromptyardClient client;

  record City(String name, int population) {}

  @BeforeAll
  static void start() {
    simulator = SimulatedProvider.start(SimulatorConfig.defaults());
    provider = new WireMockServer(WireMockConfiguration.options().dynamicPort());
    provider.start();
    String simulatorRoot =
        simulator.baseUrl().substring(0, simulator.baseUrl().length() - "/v1".length());
    provider.stubFor(
        post(urlPathEqualTo("/v1/chat/completions"))
            .atPriority(10)
            .willReturn(aResponse().proxiedFrom(simulatorRoot)));
    provider.stubFor(
        post(urlPathEqualTo("/v1/chat/completions"))
            .atPriority(1)
            .withRequestBody(containing(BAD_CITY_QUESTION))
            .withRequestBody(notContaining("does not match the required JSON Schema"))
            .willReturn(
                okJson(
                    chatCompletion(
                        "{\"name\": \"Lyon\", \"population\": \"about half a million\"}"))));
    provider.stubFor(
        post(urlPathEqualTo("/v1/chat/completions"))
            .atPriority(1)
            .withRequestBody(containing(HOPELESS_QUESTION))
            .willReturn(okJson(chatCompletion("Lyon, I think."))));
    // The stack believes it talks to OpenAI: a key is set and the catalog's OpenAI base URL is
    // WireMock's.
    ModelCatalog catalog = ModelCatalog.bundled().withBaseUrl("openai", provider.baseUrl() + "/v1");
    stack =
        DevStack.start(
            DevStack.Options.defaults()
                .withEnvironment(Map.of("OPENAI_API_KEY", "sk-client-e2e-not-a-real-key"))
                .withSimulatedProviders(catalog, List.of("sim")));
    client = StackClient.of(stack, "client-e2e");
  }

  @AfterAll
  static void stop() {
    client.close();
    stack.close();
    provider.stop();
    simulator.close();
  }

  /**
   * OpenAI's chat.completion object (https://platform.openai.com/docs/api-reference/chat/object).
   */
  private static String chatCompletion(String content) {
    String escaped = content.replace("\\", "\\\\").replace("\"", "\\\"");
    return """
        {"id": "chatcmpl-e2e", "object": "chat.completion", "created": 1741569952, "model": "gpt-4.1-nano",
         "choices": [{"index": 0, "message": {"role": "assistant", "content": "%s", "refusal": null},
                      "logprobs": null, "finish_reason": "stop"}],
         "usage": {"prompt_tokens": 21, "completion_tokens": 12, "total_tokens": 33}}"""
        .formatted(escaped);
  }

  @Test
  void submitReturnsTheResultTheWorkerPublished() throws Exception {
    CompletionResult result =
        client
            .submit(
                CompletionRequests.builder()
                    .model("cheap")
                    .user("Name a Kafka feature " + UUID.randomUUID())
                    .build())
            .get(90, TimeUnit.SECONDS);

    assertThat(result.getStatus()).isEqualTo(ResultStatus.SUCCEEDED);
    assertThat(result.getProvider()).isEqualTo("openai");
    assertThat(result.getTeam()).isEqualTo("client-e2e");
    assertThat(result.getOutput().getText()).startsWith("Simulated answer");
  }

  @Test
  void streamDeliversDeltasThatAddUpToTheResultText() throws Exception {
    List<String> deltas = new CopyOnWriteArrayList<>();

    CompletionResult result =
        client.stream(
                CompletionRequests.builder()
                    .model("cheap")
                    .user("Stream me a few sentences " + UUID.randomUUID())
                    .build(),
                deltas::add)
            .get(90, TimeUnit.SECONDS);

    assertThat(result.getStatus()).isEqualTo(ResultStatus.SUCCEEDED);
    assertThat(deltas).hasSizeGreaterThan(1);
    assertThat(String.join("", deltas)).isEqualTo(result.getOutput().getText());
  }

  @Test
  void aTypedAnswerThatBreaksTheSchemaIsRepairedOnceAndBound() throws Exception {
    City city =
        client
            .submit(
                CompletionRequests.builder().model("cheap").user(BAD_CITY_QUESTION).build(),
                City.class)
            .get(90, TimeUnit.SECONDS);

    assertThat(city.name()).isNotBlank();
    List<LoggedRequest> calls =
        provider.findAll(
            postRequestedFor(urlPathEqualTo("/v1/chat/completions"))
                .withRequestBody(containing(BAD_CITY_QUESTION)));
    assertThat(calls).hasSize(2);
    String repair = calls.get(1).getBodyAsString();
    assertThat(repair)
        .contains("about half a million")
        .contains("$.population")
        .contains("json_schema");
  }

  @Test
  void aTypedAnswerThatStaysInvalidFailsWithTheRawText() {
    assertThatThrownBy(
            () ->
                client
                    .submit(
                        CompletionRequests.builder().model("cheap").user(HOPELESS_QUESTION).build(),
                        City.class)
                    .get(90, TimeUnit.SECONDS))
        .isInstanceOf(ExecutionException.class)
        .cause()
        .isInstanceOfSatisfying(
            StructuredOutputException.class,
            e -> {
              assertThat(e.rawText()).isEqualTo("Lyon, I think.");
              assertThat(e.errors()).singleElement().asString().startsWith("not JSON");
            });
  }

  @Test
  void aPublishedTemplateIsRenderedByTheRouter() throws Exception {
    String name = "e2e-brief-" + UUID.randomUUID().toString().substring(0, 8);
    client.publishTemplate(
        new PromptTemplate(
            name,
            "1",
            "test",
            List.of(
                new TemplateMessage(Role.SYSTEM, "You brief {{ audience }}."),
                new TemplateMessage(
                    Role.USER, "Brief me on{% for t in topics | json %} {{ t }}{% endfor %}.")),
            null));

    // The router reads the templates topic on its own thread: the template is usable once it has
    // read it.
    CompletionResult result =
        await()
            .atMost(Duration.ofSeconds(60))
            .until(
                () ->
                    client
                        .submit(
                            CompletionRequests.builder()
                                .model("cheap")
                                .template(
                                    name,
                                    "1",
                                    Map.of(
                                        "audience",
                                        "operators",
                                        "topics",
                                        "[\"retries\", \"quotas\"]"))
                                .build())
                        .get(90, TimeUnit.SECONDS),
                r -> r.getStatus() == ResultStatus.SUCCEEDED);

    // The simulator echoes the last user message it was sent.
    assertThat(result.getOutput().getText()).contains("Brief me on retries quotas.");
  }

  @Test
  void aTemplateFilePublishedWithTheCliIsRenderedByTheRouter(@TempDir Path dir) throws Exception {
    String name = "e2e-cli-" + UUID.randomUUID().toString().substring(0, 8);
    Path file = dir.resolve(name + ".yaml");
    Files.writeString(
        file,
        """
        name: %s
        version: "1.2"
        messages:
          - role: user
            text: "{%% if urgent == 'yes' %%}URGENT: {%% endif %%}summarize {{ subject }}"
        """
            .formatted(name));
    StringWriter out = new StringWriter();
    CommandLine cli = Main.commandLine();
    cli.setOut(new PrintWriter(out, true));

    int code =
        cli.execute(
            "templates",
            "publish",
            "--bootstrap-servers",
            stack.bootstrapServers(),
            file.toString());

    assertThat(code).isZero();
    assertThat(out.toString()).contains("published " + name + "@1.2 to promptyard.templates");
    CompletionResult result =
        await()
            .atMost(Duration.ofSeconds(60))
            .until(
                () ->
                    client
                        .submit(
                            CompletionRequests.builder()
                                .model("cheap")
                                .template(
                                    name, null, Map.of("urgent", "yes", "subject", "the outage"))
                                .build())
                        .get(90, TimeUnit.SECONDS),
                r -> r.getStatus() == ResultStatus.SUCCEEDED);
    assertThat(result.getOutput().getText()).contains("URGENT: summarize the outage");
  }

  @Test
  void aTemplatedRequestMissingAVariableIsRejectedWithTheReason() throws Exception {
    String name = "e2e-strict-" + UUID.randomUUID().toString().substring(0, 8);
    client.publishTemplate(
        new PromptTemplate(
            name, "2", null, List.of(new TemplateMessage(Role.USER, "About {{ topic }}")), null));

    CompletionResult result =
        await()
            .atMost(Duration.ofSeconds(60))
            .until(
                () ->
                    client
                        .submit(
                            CompletionRequests.builder()
                                .model("cheap")
                                .template(name, "2", Map.of("subject", "x"))
                                .build())
                        .get(90, TimeUnit.SECONDS),
                r -> !r.getError().getMessage().contains("does not exist"));

    assertThat(result.getStatus()).isEqualTo(ResultStatus.REJECTED);
    assertThat(result.getError().getCode()).isEqualTo(ErrorCode.INVALID_REQUEST);
    assertThat(result.getError().getMessage())
        .contains("variable 'topic' is not set")
        .contains(name + "@2");
  }

  /** The router's own rejection reaches the client's reply topic: the router sends a copy there. */
  @Test
  void aRejectedTypedRequestFailsWithTheResult() {
    assertThatThrownBy(
            () ->
                client
                    .submit(
                        CompletionRequests.builder().model("no-such-model").user("hi").build(),
                        City.class)
                    .get(90, TimeUnit.SECONDS))
        .cause()
        .isInstanceOfSatisfying(
            CompletionFailedException.class,
            e -> assertThat(e.result().getStatus()).isEqualTo(ResultStatus.REJECTED));
  }

  @Test
  void theClientPageQuickStartIsThisCompiledExampleAndRuns() throws Exception {
    String page = Files.readString(Path.of("..", "docs", "CLIENT.md"));
    String block = page.substring(page.indexOf("<!-- quickstart -->"));
    block =
        block.substring(
            block.indexOf("```java\n") + "```java\n".length(),
            block.indexOf("\n```", block.indexOf("```java")));
    String source =
        Files.readString(
            Path.of("src/test/java/io/promptyard/systemtests/example/QuickStart.java"));
    assertThat(source.substring(source.indexOf('\n') + 1).strip()).isEqualTo(block.strip());

    PrintStream original = System.out;
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
    try {
      QuickStart.main(new String[] {stack.bootstrapServers()});
    } finally {
      System.setOut(original);
    }
    String printed = out.toString(StandardCharsets.UTF_8);
    assertThat(printed)
        .contains("SUCCEEDED from openai: Simulated answer")
        .contains("City[name=")
        .contains("3/3 done")
        .contains("3 poems");
  }
}
