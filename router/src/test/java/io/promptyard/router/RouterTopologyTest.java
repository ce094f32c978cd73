package io.promptyard.router;

import static org.assertj.core.api.Assertions.assertThat;

import io.promptyard.catalog.ModelCatalog;
import io.promptyard.router.routing.RoutingPolicy;
import io.promptyard.router.validation.RequestValidator;
import io.promptyard.schemas.CompletionRequest;
import io.promptyard.schemas.CompletionResult;
import io.promptyard.schemas.DeadLetter;
import io.promptyard.schemas.ErrorCode;
import io.promptyard.schemas.Message;
import io.promptyard.schemas.ResultStatus;
import io.promptyard.schemas.Role;
import io.promptyard.schemas.RoutedRequest;
import io.promptyard.schemas.serde.AvroSerde;
import io.promptyard.schemas.topics.Topics;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class RouterTopologyTest {

  private final Topics topics = Topics.defaults();
  private TopologyTestDriver driver;
  private TestInputTopic<byte[], byte[]> avroIn;
  private TestInputTopic<byte[], byte[]> jsonIn;
  private TestOutputTopic<String, RoutedRequest> simRoute;
  private TestOutputTopic<String, CompletionResult> results;
  private TestOutputTopic<String, DeadLetter> dlq;

  @BeforeEach
  void setUp() {
    ModelCatalog catalog = ModelCatalog.bundled().restrictTo(p -> p.name().equals("sim"));
    RoutingPolicy policy =
        new RoutingPolicy(catalog, RequestValidator.defaults(), Clock.systemUTC());
    Properties props = new Properties();
    props.put(StreamsConfig.APPLICATION_ID_CONFIG, "router-test");
    props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
    driver = new TopologyTestDriver(RouterTopology.build(topics, policy), props);
    avroIn =
        driver.createInputTopic(
            topics.requests(), new ByteArraySerializer(), new ByteArraySerializer());
    jsonIn =
        driver.createInputTopic(
            topics.requestsJson(), new ByteArraySerializer(), new ByteArraySerializer());
    simRoute =
        driver.createOutputTopic(
            topics.route("sim"), new StringDeserializer(), AvroSerde.of(RoutedRequest.class));
    results =
        driver.createOutputTopic(
            topics.results(), new StringDeserializer(), AvroSerde.of(CompletionResult.class));
    dlq =
        driver.createOutputTopic(
            topics.deadLetters(), new StringDeserializer(), AvroSerde.of(DeadLetter.class));
  }

  @AfterEach
  void tearDown() {
    driver.close();
  }

  @Test
  void cheapAliasRoutesToCheapestSimModelWithFallbackChain() {
    avroIn.pipeInput(
        bytes("r1"),
        AvroSerde.of(CompletionRequest.class).encode(request("r1", "team-a", "cheap")));

    RoutedRequest routed = simRoute.readValue();
    assertThat(routed.getRequest().getId()).isEqualTo("r1");
    assertThat(routed.getDecision().getProvider()).isEqualTo("sim");
    assertThat(routed.getDecision().getModel()).isEqualTo("sim-mini");
    assertThat(routed.getDecision().getReason()).contains("cheapest").contains("sim/sim-mini");
    assertThat(routed.getDecision().getEstimatedCostMicros()).isPositive();
    assertThat(results.isEmpty()).isTrue();
  }

  @Test
  void jsonRequestIsRoutedWithMetadataKept() {
    jsonIn.pipeInput(
        bytes("k"),
        bytes(
            """
        {"model":"smart","messages":[{"role":"user","content":"hi"}],"temperature":0.2,
         "metadata":{"team":"team-b","request_id":"j1","custom_id":"c-1","batch_id":"b-1"}}"""));

    RoutedRequest routed = simRoute.readValue();
    assertThat(routed.getRequest().getId()).isEqualTo("j1");
    assertThat(routed.getRequest().getTeam()).isEqualTo("team-b");
    assertThat(routed.getRequest().getCustomId()).isEqualTo("c-1");
    assertThat(routed.getDecision().getModel()).isEqualTo("sim-large");
  }

  @Test
  void jsonLineWithoutTeamIsRejectedWithReason() {
    jsonIn.pipeInput(
        bytes("k"),
        bytes(
            """
        {"model":"cheap","messages":[{"role":"user","content":"hi"}],"metadata":{"request_id":"nt"}}"""));

    CompletionResult result = results.readValue();
    assertThat(result.getId()).isEqualTo("nt");
    assertThat(result.getStatus()).isEqualTo(ResultStatus.REJECTED);
    assertThat(result.getError().getMessage()).contains("team is required");
  }

  @Test
  void jsonLineWithoutMessagesIsRejectedWithReason() {
    jsonIn.pipeInput(
        bytes("nm"),
        bytes(
            """
        {"model":"cheap","metadata":{"team":"t"}}"""));

    CompletionResult result = results.readValue();
    assertThat(result.getId()).isEqualTo("nm");
    assertThat(result.getStatus()).isEqualTo(ResultStatus.REJECTED);
    assertThat(result.getError().getMessage()).contains("messages");
  }

  @Test
  void anAvroRequestWithoutAnIdIsRejectedUnderItsRecordKeyOrWhereItWasRead() {
    avroIn.pipeInput(
        bytes("keyed"),
        AvroSerde.of(CompletionRequest.class).encode(request("", "team-a", "cheap")));
    avroIn.pipeInput(
        null, AvroSerde.of(CompletionRequest.class).encode(request(" ", "team-a", "cheap")));

    List<CompletionResult> rejected = results.readValuesToList();
    assertThat(rejected)
        .extracting(CompletionResult::getId)
        .containsExactly("keyed", topics.requests() + "-0@1");
    assertThat(rejected)
        .allSatisfy(r -> assertThat(r.getError().getMessage()).contains("id is required"));
  }

  @Test
  void unknownModelIsRejectedNamingTheModel() {
    avroIn.pipeInput(
        bytes("u1"),
        AvroSerde.of(CompletionRequest.class).encode(request("u1", "team-a", "gpt-9-ultra")));

    CompletionResult result = results.readValue();
    assertThat(result.getStatus()).isEqualTo(ResultStatus.REJECTED);
    assertThat(result.getError().getCode()).isEqualTo(ErrorCode.UNKNOWN_MODEL);
    assertThat(result.getError().getMessage()).contains("gpt-9-ultra");
  }

  @Test
  void outOfRangeTemperatureIsRejected() {
    jsonIn.pipeInput(
        bytes("t"),
        bytes(
            """
        {"model":"cheap","temperature":7,"messages":[{"role":"user","content":"hi"}],"metadata":{"team":"t","request_id":"temp"}}"""));

    CompletionResult result = results.readValue();
    assertThat(result.getError().getCode()).isEqualTo(ErrorCode.INVALID_REQUEST);
    assertThat(result.getError().getMessage()).contains("temperature 7.0 is outside 0..2");
  }

  @Test
  void aSemanticThresholdOutsideZeroToOneOrAStringIsRejectedNamingTheField() {
    jsonIn.pipeInput(
        bytes("t"),
        bytes(
            """
        {"model":"cheap","messages":[{"role":"user","content":"hi"}],"metadata":{"team":"t","request_id":"sim-1","cache":{"mode":"semantic","min_similarity":1.5}}}"""));
    jsonIn.pipeInput(
        bytes("t"),
        bytes(
            """
        {"model":"cheap","messages":[{"role":"user","content":"hi"}],"metadata":{"team":"t","request_id":"sim-2","cache":{"mode":"semantic","min_similarity":"high"}}}"""));
    jsonIn.pipeInput(
        bytes("t"),
        bytes(
            """
        {"model":"cheap","messages":[{"role":"user","content":"hi"}],"metadata":{"team":"t","request_id":"sim-3","cache":{"mode":"default","min_similarity":0.9}}}"""));

    List<CompletionResult> rejected = results.readValuesToList();
    assertThat(rejected)
        .extracting(CompletionResult::getStatus)
        .containsOnly(ResultStatus.REJECTED)
        .hasSize(3);
    assertThat(rejected)
        .extracting(r -> r.getError().getMessage())
        .allSatisfy(m -> assertThat(m).contains("metadata.cache.min_similarity"));
    assertThat(rejected.get(0).getError().getMessage()).contains("1.5 is outside (0, 1]");
  }

  @Test
  void undecodableBytesGoToDeadLetterTopicAndTheStreamMovesOn() {
    byte[] garbage = {0x01, 0x02, (byte) 0xff};
    avroIn.pipeInput(bytes("bad"), garbage);
    jsonIn.pipeInput(bytes("bad-json"), bytes("{not json"));
    avroIn.pipeInput(
        bytes("ok"),
        AvroSerde.of(CompletionRequest.class).encode(request("ok", "team-a", "cheap")));

    List<DeadLetter> letters = dlq.readValuesToList();
    assertThat(letters).hasSize(2);
    assertThat(letters.get(0).getErrorCode()).isEqualTo(ErrorCode.UNDECODABLE);
    assertThat(letters.get(0).getOriginTopic()).isEqualTo(topics.requests());
    assertThat(letters.get(0).getValue().array()).isEqualTo(garbage);
    assertThat(letters.get(1).getErrorMessage()).contains("not JSON");
    assertThat(simRoute.readValue().getRequest().getId()).isEqualTo("ok");
  }

  private static CompletionRequest request(String id, String team, String model) {
    return CompletionRequest.newBuilder()
        .setId(id)
        .setTeam(team)
        .setModel(model)
        .setMessages(List.of(Message.newBuilder().setRole(Role.USER).setText("Say hello").build()))
        .build();
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
