package io.promptyard.usage;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.promptyard.schemas.CompletionResult;
import io.promptyard.schemas.DeadLetter;
import io.promptyard.schemas.ErrorCode;
import io.promptyard.schemas.Output;
import io.promptyard.schemas.ResultStatus;
import io.promptyard.schemas.TokenUsage;
import io.promptyard.schemas.serde.AvroSerde;
import io.promptyard.schemas.topics.Topics;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class JsonMirrorsTest {

  private static final Instant T0 = Instant.parse("2026-11-20T12:00:00Z");
  private static final ObjectMapper JSON = new ObjectMapper();

  private final UsageDriver d =
      new UsageDriver(UsageTopology.Options.defaults(Topics.defaults()).withJsonMirrors(true));
  private final TestInputTopic<String, byte[]> results =
      d.driver.createInputTopic(
          d.topics.results(), new StringSerializer(), new ByteArraySerializer());
  private final TestOutputTopic<String, String> resultsJson =
      d.driver.createOutputTopic(
          d.topics.resultsJson(), new StringDeserializer(), new StringDeserializer());
  private final TestOutputTopic<String, String> usageJson =
      d.driver.createOutputTopic(
          d.topics.usageJson(), new StringDeserializer(), new StringDeserializer());

  @AfterEach
  void tearDown() {
    d.close();
  }

  /** A SUCCEEDED result of custom id {@code row-1} answering "Kafka is a log.". */
  static CompletionResult succeeded(String id) {
    return CompletionResult.newBuilder()
        .setId(id)
        .setTeam("search")
        .setStatus(ResultStatus.SUCCEEDED)
        .setProvider("sim")
        .setModel("sim-mini")
        .setOutput(new Output("Kafka is a log.", List.of(), "stop", null))
        .setUsage(new TokenUsage(12L, 5L, 0L, 0L))
        .setCostMicros(42L)
        .setLatencyMillis(120L)
        .setAttempts(1)
        .setCustomId("row-1")
        .setCompletedAt(T0)
        .build();
  }

  private void send(CompletionResult r) {
    results.pipeInput(r.getId(), AvroSerde.of(CompletionResult.class).encode(r), T0);
  }

  @Test
  void aResultIsMirroredAsAnOpenAiBatchOutputLineKeyedByRequestId() throws Exception {
    send(succeeded("req-1"));

    KeyValue<String, String> mirrored = resultsJson.readKeyValue();
    JsonNode line = JSON.readTree(mirrored.value);
    assertThat(mirrored.key).isEqualTo("req-1");
    assertThat(line.get("id").asText()).startsWith("batch_req_");
    assertThat(line.get("custom_id").asText()).isEqualTo("row-1");
    assertThat(line.get("error").isNull()).isTrue();
    JsonNode response = line.get("response");
    assertThat(response.get("status_code").asInt()).isEqualTo(200);
    assertThat(response.get("request_id").asText()).isEqualTo("req-1");
    JsonNode body = response.get("body");
    assertThat(body.get("object").asText()).isEqualTo("chat.completion");
    assertThat(body.at("/choices/0/message/content").asText()).isEqualTo("Kafka is a log.");
    assertThat(body.at("/choices/0/finish_reason").asText()).isEqualTo("stop");
    assertThat(body.at("/usage/total_tokens").asLong()).isEqualTo(17);
    assertThat(line.at("/promptyard/cost_micros").asLong()).isEqualTo(42);
  }

  @Test
  void anUndecodableResultIsDeadLetteredWithItsReasonAndTheNextIsMirrored() {
    byte[] garbage = "{\"not\":\"avro\"}".getBytes(StandardCharsets.UTF_8);
    results.pipeInput("req-bad", garbage, T0);
    send(succeeded("req-2"));

    DeadLetter letter = d.dlq.readValue();
    assertThat(letter.getOriginTopic()).isEqualTo(d.topics.results());
    assertThat(letter.getErrorCode()).isEqualTo(ErrorCode.UNDECODABLE);
    assertThat(letter.getErrorMessage()).contains("CompletionResult");
    assertThat(letter.getValue()).isEqualTo(java.nio.ByteBuffer.wrap(garbage));
    assertThat(resultsJson.readKeyValuesToList()).extracting(kv -> kv.key).containsExactly("req-2");
  }

  @Test
  void aUsageEventIsMirroredAsOneFlatJsonObjectAndStillCounted() throws Exception {
    d.send(
        UsageDriver.base("req-3:1", "search", T0)
            .setCostMicros(1_500)
            .setTemplate("faq")
            .setTemplateVersion("2")
            .setTags(java.util.Map.of("env", "prod"))
            .build());

    KeyValue<String, String> mirrored = usageJson.readKeyValue();
    JsonNode event = JSON.readTree(mirrored.value);
    assertThat(mirrored.key).isEqualTo("search");
    assertThat(event.get("event_id").asText()).isEqualTo("req-3:1");
    assertThat(event.get("request_id").asText()).isEqualTo("req-3");
    assertThat(event.get("input_tokens").asLong()).isEqualTo(100);
    assertThat(event.get("cost_micros").asLong()).isEqualTo(1_500);
    assertThat(event.get("occurred_at").asLong()).isEqualTo(T0.toEpochMilli());
    assertThat(event.get("template").asText()).isEqualTo("faq");
    assertThat(event.get("template_version").asText()).isEqualTo("2");
    assertThat(event.get("tags").get("env").asText()).isEqualTo("prod");
    assertThat(d.team("search", io.promptyard.schemas.usage.Period.MONTH, T0).getCostMicros())
        .isEqualTo(1_500);
  }

  @Test
  void anUndecodableUsageEventIsDeadLetteredOnceNotOncePerReader() {
    d.usage.pipeInput("search", "garbage".getBytes(StandardCharsets.UTF_8), T0);

    assertThat(d.dlq.readValuesToList()).hasSize(1);
    assertThat(usageJson.isEmpty()).isTrue();
  }

  @Test
  void withoutTheOptionNothingIsMirrored() {
    try (UsageDriver off = new UsageDriver()) {
      assertThat(off.driver.producedTopicNames()).isEmpty();
      off.send(UsageDriver.event("req-4:1", "search", T0, 1_000));
      assertThat(off.driver.producedTopicNames()).doesNotContain(off.topics.usageJson());
    }
  }
}
