package io.promptyard.systemtests;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.promptyard.client.CompletionRequests;
import io.promptyard.client.PromptyardClient;
import io.promptyard.dev.DevStack;
import io.promptyard.schemas.CompletionResult;
import io.promptyard.schemas.DeadLetter;
import io.promptyard.schemas.ResultStatus;
import io.promptyard.schemas.serde.AvroSerde;
import io.promptyard.schemas.serde.AvroWireFormat;
import io.promptyard.testkit.kafka.TopicContents;
import io.promptyard.testkit.registry.SchemaRegistryStub;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.DecoderFactory;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The whole stack deployed with {@code PROMPTYARD_WIRE_FORMAT=schema-registry}, against a stand-in
 * registry that serves Confluent's documented REST API: a consumer that knows nothing of Promptyard
 * — bytes, the schema fetched by id over HTTP, Apache Avro's {@link GenericDatumReader}, as Kafka
 * Connect's Avro converter reads — reads the result of a request.
 */
class SchemaRegistryFormatEndToEndIT {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static SchemaRegistryStub registry;
  private static DevStack stack;
  private static PromptyardClient client;

  @BeforeAll
  static void start() {
    registry = SchemaRegistryStub.start();
    stack =
        DevStack.start(
            DevStack.Options.defaults()
                .withEnvironment(
                    Map.of(
                        "PROMPTYARD_WIRE_FORMAT",
                        "schema-registry",
                        "PROMPTYARD_SCHEMA_REGISTRY_URL",
                        registry.url())));
    client = StackClient.of(stack, "registry-e2e");
  }

  @AfterAll
  static void stop() {
    client.close();
    stack.close();
    registry.close();
    AvroWireFormat.install(AvroWireFormat.SINGLE_OBJECT);
  }

  @Test
  void aConsumerThatOnlyKnowsTheRegistryFormatReadsAResult() throws Exception {
    String id = "registry-" + UUID.randomUUID();
    CompletionResult answered =
        client
            .submit(
                CompletionRequests.builder()
                    .id(id)
                    .model("cheap")
                    .user("Name a colour of the sky.")
                    .build())
            .get();
    assertThat(answered.getStatus()).isEqualTo(ResultStatus.SUCCEEDED);

    GenericRecord read = readWithRegistryOnly(stack.topics().results(), id);

    assertThat(read.get("id")).hasToString(id);
    assertThat(read.get("team")).hasToString("registry-e2e");
    assertThat(read.get("status")).hasToString("SUCCEEDED");
    assertThat(read.get("costMicros")).isEqualTo(answered.getCostMicros());
    assertThat(((GenericRecord) read.get("output")).get("text"))
        .hasToString(answered.getOutput().getText());
    assertThat(registry.subjects())
        .containsKeys(
            stack.topics().requests() + "-value",
            stack.topics().results() + "-value",
            stack.topics().usage() + "-value");
    assertThat(registry.subjects().keySet())
        .as("the routed request's subject")
        .anyMatch(s -> s.startsWith(stack.topics().route("sim")) && s.endsWith("-value"));
  }

  @Test
  void aConsumerNamingPromptyardsDeserializerWithTheRegistryUrlReadsTheSameResult()
      throws Exception {
    String id = "registry-by-name-" + UUID.randomUUID();
    client
        .submit(CompletionRequests.builder().id(id).model("cheap").user("Name a fruit.").build())
        .get();
    Map<String, Object> properties =
        Map.of(
            "bootstrap.servers",
            stack.bootstrapServers(),
            "group.id",
            "by-name-" + id,
            "auto.offset.reset",
            "earliest",
            "key.deserializer",
            StringDeserializer.class.getName(),
            "value.deserializer",
            "io.promptyard.schemas.kafka.CompletionResultDeserializer",
            "schema.registry.url",
            registry.url());
    // this JVM's services installed the format; a client process has none
    AvroWireFormat.install(AvroWireFormat.SINGLE_OBJECT);
    try (KafkaConsumer<String, CompletionResult> consumer = new KafkaConsumer<>(properties)) {
      consumer.subscribe(List.of(stack.topics().results()));
      CompletionResult[] found = new CompletionResult[1];
      await()
          .atMost(Duration.ofSeconds(60))
          .until(
              () -> {
                for (ConsumerRecord<String, CompletionResult> r :
                    consumer.poll(Duration.ofMillis(200))) {
                  if (r.key().equals(id)) {
                    found[0] = r.value();
                  }
                }
                return found[0] != null;
              });
      assertThat(found[0].getStatus()).isEqualTo(ResultStatus.SUCCEEDED);
    } finally {
      AvroWireFormat.install(
          AvroWireFormat.from(
              new io.promptyard.schemas.config.Settings(
                  Map.of(
                      "PROMPTYARD_WIRE_FORMAT",
                      "schema-registry",
                      "PROMPTYARD_SCHEMA_REGISTRY_URL",
                      registry.url()))));
    }
  }

  @Test
  void aRequestWithAnIdTheRegistryDoesNotKnowIsDeadLetteredWithTheReason() throws Exception {
    String key = "registry-unknown-" + UUID.randomUUID();
    byte[] unknownId = {0, 0, 0, 0x30, 0x39, 2, 'h', 'i'};
    try (KafkaProducer<String, byte[]> producer =
        new KafkaProducer<>(
            Map.of("bootstrap.servers", stack.bootstrapServers()),
            new StringSerializer(),
            new ByteArraySerializer())) {
      producer.send(new ProducerRecord<>(stack.topics().requests(), key, unknownId)).get();
    }

    AvroSerde<DeadLetter> letters = AvroSerde.of(DeadLetter.class);
    DeadLetter[] found = new DeadLetter[1];
    await()
        .atMost(Duration.ofSeconds(60))
        .until(
            () -> {
              TopicContents.readAllWithStringKeys(
                      stack.bootstrapServers(), stack.topics().deadLetters())
                  .stream()
                  .filter(r -> key.equals(r.key()))
                  .forEach(r -> found[0] = letters.decode(r.value()));
              return found[0] != null;
            });

    assertThat(found[0].getOriginTopic()).isEqualTo(stack.topics().requests());
    assertThat(found[0].getErrorMessage())
        .contains("schema id 12345")
        .contains("unknown to the Schema Registry at " + registry.url());
    assertThat(found[0].getValue().array()).isEqualTo(unknownId);
  }

  /**
   * What Kafka Connect's Avro converter does with a value: magic byte 0, a 4-byte id, the writer's
   * schema from {@code GET /schemas/ids/{id}}, then Avro binary read with that schema alone.
   */
  private static GenericRecord readWithRegistryOnly(String topic, String key) {
    Map<String, Object> properties =
        Map.of(
            "bootstrap.servers",
            stack.bootstrapServers(),
            "group.id",
            "connect-like-" + key,
            "auto.offset.reset",
            "earliest");
    try (KafkaConsumer<String, byte[]> consumer =
        new KafkaConsumer<>(properties, new StringDeserializer(), new ByteArrayDeserializer())) {
      consumer.subscribe(List.of(topic));
      GenericRecord[] found = new GenericRecord[1];
      await()
          .atMost(Duration.ofSeconds(60))
          .until(
              () -> {
                for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                  if (r.key().equals(key)) {
                    found[0] = decode(r.value()).orElseThrow();
                  }
                }
                return found[0] != null;
              });
      return found[0];
    }
  }

  private static Optional<GenericRecord> decode(byte[] value) throws Exception {
    assertThat(value[0]).as("magic byte").isZero();
    int id = ByteBuffer.wrap(value, 1, 4).getInt();
    HttpResponse<String> response =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(URI.create(registry.url() + "/schemas/ids/" + id)).build(),
                HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).isEqualTo(200);
    Schema writer =
        new Schema.Parser().parse(JSON.readTree(response.body()).get("schema").asText());
    return Optional.of(
        new GenericDatumReader<GenericRecord>(writer)
            .read(null, DecoderFactory.get().binaryDecoder(value, 5, value.length - 5, null)));
  }
}
