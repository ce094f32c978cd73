package io.promptyard.examples.spring;

import static org.assertj.core.api.Assertions.assertThat;

import io.promptyard.dev.DevStack;
import io.promptyard.testkit.kafka.TopicContents;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.SpringApplication;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The example service against the whole dev stack in this JVM (broker, router, worker with the
 * simulated provider, aggregator): a question posted over HTTP comes back answered.
 */
class AskApplicationIT {

  private static DevStack stack;
  private static ConfigurableApplicationContext service;
  private static URI ask;

  @BeforeAll
  static void start() {
    stack = DevStack.start(DevStack.Options.defaults());
    service = service("--promptyard.client-id=ask-it", "--promptyard.timeout=90s");
    ask = askUri(service);
  }

  /** The service on a free port, against the stack, with {@code settings} on top. */
  private static ConfigurableApplicationContext service(String... settings) {
    List<String> args =
        new ArrayList<>(
            List.of(
                "--server.port=0",
                "--promptyard.bootstrap-servers=" + stack.bootstrapServers(),
                "--promptyard.topic-prefix=" + stack.topics().prefix(),
                "--promptyard.team=spring-example"));
    args.addAll(List.of(settings));
    return SpringApplication.run(AskApplication.class, args.toArray(String[]::new));
  }

  private static URI askUri(ConfigurableApplicationContext service) {
    return URI.create(
        "http://localhost:" + service.getEnvironment().getProperty("local.server.port") + "/ask");
  }

  @AfterAll
  static void stop() {
    if (service != null) {
      service.close();
    }
    if (stack != null) {
      stack.close();
    }
  }

  private static HttpResponse<String> post(String body) throws Exception {
    return post(ask, body);
  }

  private static HttpResponse<String> post(URI uri, String body) throws Exception {
    try (HttpClient http = HttpClient.newHttpClient()) {
      return http.send(
          HttpRequest.newBuilder(uri)
              .timeout(Duration.ofMinutes(2))
              .header("Content-Type", "application/json")
              .POST(HttpRequest.BodyPublishers.ofString(body))
              .build(),
          HttpResponse.BodyHandlers.ofString());
    }
  }

  @Test
  void aQuestionPostedToAskIsAnsweredThroughTheServiceReplyTopic() throws Exception {
    HttpResponse<String> response = post("{\"question\": \"Explain Kafka in one sentence.\"}");

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.body())
        .contains("\"status\":\"SUCCEEDED\"")
        .containsPattern("\"answer\":\"[^\"]+\"");
    Matcher id = Pattern.compile("\"id\":\"([^\"]+)\"").matcher(response.body());
    assertThat(id.find()).isTrue();
    // The answer came through the instance's own reply topic, which the client created.
    assertThat(
            TopicContents.readAllWithStringKeys(
                stack.bootstrapServers(),
                stack.topics().prefix() + "replies.spring-example.ask-it"))
        .extracting(r -> r.key())
        .containsExactly(id.group(1));
  }

  @Test
  void aQuestionWithoutTextIsABadRequest() throws Exception {
    HttpResponse<String> response = post("{}");

    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(response.body()).contains("question is required");
  }

  @Test
  void aQuestionTheRouterRejectsIsABadGatewayWithTheReason() throws Exception {
    // The router rejects a request for a model the catalog lacks, and sends its REJECTED result to
    // the reply topic too.
    try (ConfigurableApplicationContext unknownModel =
        service(
            "--promptyard.client-id=ask-it-unknown-model", "--promptyard.model=no-such-model")) {
      HttpResponse<String> response = post(askUri(unknownModel), "{\"question\": \"Anyone?\"}");

      assertThat(response.statusCode()).isEqualTo(502);
      assertThat(response.body()).contains("\"status\":\"REJECTED\"").contains("no-such-model");
    }
  }

  @Test
  void aQuestionWithoutResultWithinTheTimeoutIsAGatewayTimeout() throws Exception {
    // No result comes within a millisecond.
    try (ConfigurableApplicationContext impatient =
        service("--promptyard.client-id=ask-it-impatient", "--promptyard.timeout=1ms")) {
      HttpResponse<String> response = post(askUri(impatient), "{\"question\": \"Anyone?\"}");

      assertThat(response.statusCode()).isEqualTo(504);
      assertThat(response.body()).contains("\"status\":\"TIMEOUT\"");
    }
  }
}
