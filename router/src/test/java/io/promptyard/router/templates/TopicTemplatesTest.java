package io.promptyard.router.templates;

import static org.assertj.core.api.Assertions.assertThat;

import io.promptyard.catalog.ModelCatalog;
import io.promptyard.router.RouterTopology;
import io.promptyard.router.routing.RoutingPolicy;
import io.promptyard.router.validation.RequestValidator;
import io.promptyard.schemas.CompletionRequest;
import io.promptyard.schemas.CompletionResult;
import io.promptyard.schemas.ErrorCode;
import io.promptyard.schemas.Message;
import io.promptyard.schemas.PromptTemplate;
import io.promptyard.schemas.ResultStatus;
import io.promptyard.schemas.Role;
import io.promptyard.schemas.RoutedRequest;
import io.promptyard.schemas.TemplateMessage;
import io.promptyard.schemas.TemplateRef;
import io.promptyard.schemas.serde.AvroSerde;
import io.promptyard.schemas.topics.Topics;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Requests that name a template are rendered by the router from the templates topic, or rejected
 * with the reason.
 */
class TopicTemplatesTest {

  private final Topics topics = Topics.defaults();
  private final AvroSerde<CompletionRequest> requestSerde = AvroSerde.of(CompletionRequest.class);
  private final AvroSerde<PromptTemplate> templateSerde = AvroSerde.of(PromptTemplate.class);
  private TopologyTestDriver driver;
  private TestInputTopic<String, byte[]> templatesIn;
  private TestInputTopic<String, byte[]> requestsIn;
  private TestOutputTopic<String, RoutedRequest> routed;
  private TestOutputTopic<String, CompletionResult> results;

  @BeforeEach
  void setUp() {
    ModelCatalog catalog = ModelCatalog.bundled().restrictTo(p -> p.name().equals("sim"));
    Properties props = new Properties();
    props.put(StreamsConfig.APPLICATION_ID_CONFIG, "router-templates-test");
    props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
    driver =
        new TopologyTestDriver(
            RouterTopology.build(
                topics, new RoutingPolicy(catalog, RequestValidator.defaults(), Clock.systemUTC())),
            props);
    templatesIn =
        driver.createInputTopic(
            topics.templates(), new StringSerializer(), new ByteArraySerializer());
    requestsIn =
        driver.createInputTopic(
            topics.requests(), new StringSerializer(), new ByteArraySerializer());
    routed =
        driver.createOutputTopic(
            topics.route("sim"), new StringDeserializer(), AvroSerde.of(RoutedRequest.class));
    results =
        driver.createOutputTopic(
            topics.results(), new StringDeserializer(), AvroSerde.of(CompletionResult.class));
    publish(
        new PromptTemplate(
            "triage",
            "1",
            null,
            List.of(new TemplateMessage(Role.USER, "Old: {{ ticket }}")),
            null));
    publish(
        new PromptTemplate(
            "triage",
            "2",
            null,
            List.of(
                new TemplateMessage(Role.SYSTEM, "You triage tickets for {{ product }}."),
                new TemplateMessage(
                    Role.USER, "{% for t in tickets | json %}#{{ t }}\n{% endfor %}")),
            null));
  }

  @AfterEach
  void tearDown() {
    driver.close();
  }

  @Test
  void aRequestNamingATemplateIsRoutedWithTheRenderedMessages() {
    send("t1", new TemplateRef("triage", "2", Map.of("product", "Kafka", "tickets", "[101, 102]")));

    RoutedRequest r = routed.readValue();
    assertThat(r.getRequest().getMessages())
        .extracting(Message::getRole, Message::getText)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple(Role.SYSTEM, "You triage tickets for Kafka."),
            org.assertj.core.groups.Tuple.tuple(Role.USER, "#101\n#102\n"));
    assertThat(r.getRequest().getTemplate()).isNull();
    assertThat(r.getRequest().getTags()).containsEntry("template", "triage@2");
    assertThat(results.isEmpty()).isTrue();
  }

  @Test
  void withoutAVersionTheLatestIsUsed() {
    send("t2", new TemplateRef("triage", null, Map.of("product", "Avro", "tickets", "[7]")));

    assertThat(routed.readValue().getRequest().getTags()).containsEntry("template", "triage@2");
  }

  @Test
  void aMissingTemplateIsRejectedWithThePreciseReason() {
    send("t3", new TemplateRef("escalate", "1", Map.of()));

    CompletionResult r = results.readValue();
    assertThat(r.getId()).isEqualTo("t3");
    assertThat(r.getStatus()).isEqualTo(ResultStatus.REJECTED);
    assertThat(r.getError().getCode()).isEqualTo(ErrorCode.INVALID_REQUEST);
    assertThat(r.getError().getMessage()).isEqualTo("template 'escalate' does not exist");
    assertThat(routed.isEmpty()).isTrue();
  }

  @Test
  void aMissingVariableIsRejectedNamingTheVariable() {
    send("t4", new TemplateRef("triage", "2", Map.of("tickets", "[1]")));

    CompletionResult r = results.readValue();
    assertThat(r.getStatus()).isEqualTo(ResultStatus.REJECTED);
    assertThat(r.getError().getMessage())
        .contains("template triage@2, message 1 (system)")
        .contains("variable 'product' is not set");
  }

  @Test
  void aTombstoneRetiresAVersion() {
    templatesIn.pipeInput("triage@2", null);

    send("t5", new TemplateRef("triage", "2", Map.of("product", "x", "tickets", "[]")));
    send("t6", new TemplateRef("triage", null, Map.of("ticket", "disk full")));

    assertThat(results.readValue().getError().getMessage())
        .isEqualTo("template 'triage' has no version '2' (versions: 1)");
    assertThat(routed.readValue().getRequest().getMessages().getFirst().getText())
        .isEqualTo("Old: disk full");
  }

  private void publish(PromptTemplate t) {
    templatesIn.pipeInput(t.getName() + "@" + t.getVersion(), templateSerde.encode(t));
  }

  private void send(String id, TemplateRef ref) {
    requestsIn.pipeInput(
        id,
        requestSerde.encode(
            CompletionRequest.newBuilder()
                .setId(id)
                .setTeam("templates-test")
                .setModel("cheap")
                .setTemplate(ref)
                .build()));
  }
}
