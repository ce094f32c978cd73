package io.promptyard.schemas.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.promptyard.schemas.CompletionRequest;
import io.promptyard.schemas.CompletionResult;
import io.promptyard.schemas.UsageEvent;
import io.promptyard.schemas.serde.AvroSerde;
import io.promptyard.schemas.serde.SampleRecords;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Stream;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.common.utils.Utils;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class PromptyardSerdesTest {

  private static final String RESULTS = "promptyard.results";

  /** A consumer's properties as a user writes them: only class names, no broker needed to build. */
  private static Map<String, Object> consumerProperties(String valueDeserializer) {
    return Map.of(
        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
        "localhost:9092",
        ConsumerConfig.GROUP_ID_CONFIG,
        "billing",
        ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG,
        StringDeserializer.class.getName(),
        ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG,
        valueDeserializer);
  }

  /** The value deserializer as KafkaConsumer makes it: instantiated by name, then configured. */
  @SuppressWarnings("unchecked")
  private static <T> Deserializer<T> valueDeserializerOf(Map<String, Object> properties) {
    ConsumerConfig config = new ConsumerConfig(properties);
    Deserializer<T> deserializer =
        config.getConfiguredInstance(
            ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, Deserializer.class);
    deserializer.configure(config.originals(), false);
    return deserializer;
  }

  @Test
  void aConsumerConfiguredByClassNameReadsAResultTheWorkersSerdeWrote() {
    CompletionResult written = SampleRecords.completionResult();
    byte[] onTheTopic = AvroSerde.of(CompletionResult.class).serialize(RESULTS, written);

    Deserializer<CompletionResult> deserializer =
        valueDeserializerOf(
            consumerProperties("io.promptyard.schemas.kafka.CompletionResultDeserializer"));

    assertThat(deserializer.deserialize(RESULTS, onTheTopic)).isEqualTo(written);
  }

  @Test
  void aKafkaConsumerBuildsFromClassNamesAlone() {
    Properties properties = new Properties();
    properties.putAll(
        consumerProperties("io.promptyard.schemas.kafka.CompletionResultDeserializer"));

    try (KafkaConsumer<String, CompletionResult> consumer = new KafkaConsumer<>(properties)) {
      assertThat(consumer.subscription()).isEmpty();
    }
  }

  @Test
  void theGenericDeserializerReadsTheRecordClassFromItsProperties() {
    CompletionResult written = SampleRecords.completionResult();
    byte[] onTheTopic = AvroSerde.of(CompletionResult.class).encode(written);
    Map<String, Object> properties =
        new java.util.HashMap<>(consumerProperties(PromptyardDeserializer.class.getName()));
    properties.put(PromptyardDeserializer.VALUE_TYPE_CONFIG, "CompletionResult");

    Deserializer<CompletionResult> deserializer = valueDeserializerOf(properties);

    assertThat(deserializer.deserialize(RESULTS, onTheTopic)).isEqualTo(written);
  }

  @Test
  void theGenericDeserializerWithoutARecordClassNamesTheProperty() {
    assertThatThrownBy(
            () ->
                new PromptyardDeserializer<>()
                    .configure(Map.of(PromptyardDeserializer.VALUE_TYPE_CONFIG, "Invoice"), false))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining(PromptyardDeserializer.VALUE_TYPE_CONFIG)
        .hasMessageContaining("CompletionResult");
  }

  @Test
  void aProducerConfiguredByClassNameWritesWhatTheServicesRead() {
    CompletionRequest request = SampleRecords.completionRequest();
    ProducerConfig config =
        new ProducerConfig(
            Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, "localhost:9092",
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName(),
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG,
                    "io.promptyard.schemas.kafka.CompletionRequestSerializer"));
    @SuppressWarnings("unchecked")
    Serializer<CompletionRequest> serializer =
        config.getConfiguredInstance(
            ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, Serializer.class);

    byte[] bytes = serializer.serialize("promptyard.requests", request);

    assertThat(AvroSerde.of(CompletionRequest.class).decode(bytes)).isEqualTo(request);
  }

  @Test
  void aUsageEventOnTheResultsTopicIsRefusedNamingTopicExpectedAndFoundTypes() {
    byte[] usage = AvroSerde.of(UsageEvent.class).encode(SampleRecords.usageEvent());

    assertThatThrownBy(() -> new CompletionResultDeserializer().deserialize(RESULTS, usage))
        .isInstanceOf(SerializationException.class)
        .hasMessageContaining("topic promptyard.results")
        .hasMessageContaining("expected a CompletionResult")
        .hasMessageContaining("a UsageEvent (use UsageEventDeserializer");
  }

  @Test
  void jsonAndSchemaRegistryValuesAreNamedForWhatTheyAreWithoutQuotingThem() {
    byte[] json = "{\"secret\":\"sk-live-123\"}".getBytes(StandardCharsets.UTF_8);
    byte[] registry = {0, 0, 0, 0, 42, 2, 'h', 'i'};
    CompletionResultDeserializer deserializer = new CompletionResultDeserializer();

    assertThatThrownBy(() -> deserializer.deserialize(RESULTS, json))
        .isInstanceOf(SerializationException.class)
        .hasMessageContaining("JSON")
        .hasMessageNotContaining("sk-live");
    assertThatThrownBy(() -> deserializer.deserialize(RESULTS, registry))
        .isInstanceOf(SerializationException.class)
        .hasMessageContaining("Schema Registry wire format (schema id 42")
        .hasMessageContaining("no schema registry is configured")
        .hasMessageContaining("schema.registry.url");
  }

  @Test
  void aSerializerRefusesARecordOfAnotherType() {
    @SuppressWarnings({"rawtypes", "unchecked"})
    Serializer<SpecificRecord> requests = (Serializer) new CompletionRequestSerializer();

    assertThatThrownBy(() -> requests.serialize("promptyard.requests", SampleRecords.usageEvent()))
        .isInstanceOf(SerializationException.class)
        .hasMessageContaining("CompletionRequest")
        .hasMessageContaining("UsageEvent");
  }

  static Stream<Named<SpecificRecord>> everyTopicRecord() {
    return SampleRecords.all().stream().map(r -> Named.of(r.getSchema().getName(), r));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("everyTopicRecord")
  void everyTopicRecordHasASerializerAndDeserializerNamedAfterIt(SpecificRecord record)
      throws Exception {
    String name = record.getSchema().getName();
    Serializer<SpecificRecord> serializer =
        Utils.newInstance("io.promptyard.schemas.kafka." + name + "Serializer", Serializer.class);
    Deserializer<SpecificRecord> deserializer =
        Utils.newInstance(
            "io.promptyard.schemas.kafka." + name + "Deserializer", Deserializer.class);

    assertThat(deserializer.deserialize("t", serializer.serialize("t", record))).isEqualTo(record);
  }
}
