package io.promptyard.schemas.serde;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.promptyard.schemas.CompletionChunk;
import io.promptyard.schemas.CompletionResult;
import io.promptyard.schemas.DeadLetter;
import io.promptyard.schemas.UsageEvent;
import io.promptyard.schemas.registry.HttpSchemaRegistry;
import io.promptyard.schemas.registry.SchemaRegistry;
import io.promptyard.schemas.registry.SchemaRegistryException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class SchemaRegistryWireFormatTest {

  private static final String RESULTS = "promptyard.results";

  /** A registry in memory that counts the calls it gets, as a registry sees them. */
  static final class CountingRegistry implements SchemaRegistry {
    final List<String> registrations = new ArrayList<>();
    final List<Integer> lookups = new ArrayList<>();
    final Map<Integer, Schema> byId = new ConcurrentHashMap<>();
    final Map<Schema, Integer> ids = new ConcurrentHashMap<>();

    @Override
    public synchronized int register(String subject, Schema schema) {
      registrations.add(subject);
      return ids.computeIfAbsent(
          schema,
          s -> {
            int id = 100 + ids.size();
            byId.put(id, s);
            return id;
          });
    }

    @Override
    public synchronized Schema schema(int id) {
      lookups.add(id);
      Schema schema = byId.get(id);
      if (schema == null) {
        throw new SchemaRegistryException(
            "schema id " + id + " is unknown to the Schema Registry at " + describe());
      }
      return schema;
    }

    @Override
    public String describe() {
      return "memory://test";
    }
  }

  private final CountingRegistry registry = new CountingRegistry();
  private final AvroWireFormat format = AvroWireFormat.schemaRegistry(registry);

  @AfterEach
  void restoreTheProcessFormat() {
    AvroWireFormat.install(AvroWireFormat.SINGLE_OBJECT);
  }

  @Test
  void aValueIsMagicByteZeroTheRegisteredIdBigEndianThenPlainAvroBinary() throws IOException {
    CompletionResult result = SampleRecords.completionResult();

    byte[] bytes = AvroSerde.of(CompletionResult.class).using(format).serialize(RESULTS, result);

    assertThat(registry.registrations).containsExactly("promptyard.results-value");
    int id = registry.ids.get(CompletionResult.getClassSchema());
    assertThat(bytes[0]).isZero();
    assertThat(ByteBuffer.wrap(bytes, 1, 4).getInt()).isEqualTo(id);
    // what a generic registry reader does: the schema by id, then plain Avro binary after 5 bytes
    GenericRecord read =
        new GenericDatumReader<GenericRecord>(registry.byId.get(id))
            .read(null, DecoderFactory.get().binaryDecoder(bytes, 5, bytes.length - 5, null));
    assertThat(read.get("id")).hasToString("req-7f3a");
    assertThat(read.get("costMicros")).isEqualTo(1_290L);
    assertThat(read.get("status")).hasToString("SUCCEEDED");
  }

  @Test
  void aSchemaIsRegisteredOncePerSubjectAndAnIdLookedUpOnce() {
    AvroSerde<CompletionResult> serde = AvroSerde.of(CompletionResult.class).using(format);
    CompletionResult result = SampleRecords.completionResult();

    byte[] first = serde.serialize(RESULTS, result);
    serde.serialize(RESULTS, result);
    serde.serialize("promptyard.replies.billing", result);
    AvroSerde<CompletionResult> reader =
        AvroSerde.of(CompletionResult.class).using(AvroWireFormat.singleObjectReading(registry));
    reader.decode(first);
    reader.decode(first);

    assertThat(registry.registrations)
        .containsExactly("promptyard.results-value", "promptyard.replies.billing-value");
    assertThat(registry.lookups).hasSize(1);
  }

  @Test
  void aReaderTakesSingleObjectAndRegistryValuesAlike() {
    CompletionResult result = SampleRecords.completionResult();
    byte[] registryBytes =
        AvroSerde.of(CompletionResult.class).using(format).serialize(RESULTS, result);
    byte[] singleObject = AvroSerde.of(CompletionResult.class).encode(result);
    AvroWireFormat.install(AvroWireFormat.singleObjectReading(registry));
    AvroSerde<CompletionResult> reader = AvroSerde.of(CompletionResult.class);

    assertThat(reader.decode(registryBytes)).isEqualTo(result);
    assertThat(reader.decode(singleObject)).isEqualTo(result);
    assertThat(reader.deserialize(RESULTS, registryBytes)).isEqualTo(result);
  }

  @Test
  void aRecordWrittenWithAnOlderRegisteredSchemaReadsIntoTheCurrentOne() throws IOException {
    GenericRecord old = SampleRecords.completionChunkV1();
    Schema v1 = old.getSchema();
    int id = registry.register("promptyard.chunks-value", v1);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(new byte[] {0, 0, 0, 0, (byte) id});
    BinaryEncoder binary = EncoderFactory.get().binaryEncoder(out, null);
    new GenericDatumWriter<GenericRecord>(v1).write(old, binary);
    binary.flush();

    CompletionChunk read =
        AvroSerde.of(CompletionChunk.class).using(format).decode(out.toByteArray());

    assertThat(read.getTextDelta()).isEqualTo("Paris");
    assertThat(read.getIndex()).isEqualTo(4);
    assertThat(read.getAttempt()).as("not in v1: its default").isZero();
  }

  @Test
  void anUnknownIdIsUndecodableNamingTheId() {
    byte[] unknown = {0, 0, 0, 0x30, 0x39, 2, 'h', 'i'};

    assertThatThrownBy(() -> AvroSerde.of(CompletionResult.class).using(format).decode(unknown))
        .isInstanceOf(UndecodableRecordException.class)
        .hasMessageContaining("schema id 12345")
        .hasMessageContaining("unknown to the Schema Registry");
  }

  @Test
  void anIdOfAnotherRecordIsUndecodableNamingBoth() {
    byte[] usage =
        AvroSerde.of(UsageEvent.class)
            .using(format)
            .serialize("promptyard.usage", SampleRecords.usageEvent());

    assertThatThrownBy(() -> AvroSerde.of(CompletionResult.class).using(format).decode(usage))
        .isInstanceOf(UndecodableRecordException.class)
        .hasMessageContaining("io.promptyard.schemas.UsageEvent, not")
        .hasMessageContaining("io.promptyard.schemas.CompletionResult");
  }

  @Test
  void aRegistryValueWithoutAConfiguredRegistryIsUndecodableSayingWhatToSet() {
    byte[] bytes =
        AvroSerde.of(CompletionResult.class)
            .using(format)
            .serialize(RESULTS, SampleRecords.completionResult());

    assertThatThrownBy(() -> AvroSerde.of(CompletionResult.class).decode(bytes))
        .isInstanceOf(UndecodableRecordException.class)
        .hasMessageContaining("no schema registry is configured")
        .hasMessageContaining("PROMPTYARD_SCHEMA_REGISTRY_URL");
  }

  @Test
  void anUnreachableRegistryFailsTheRecordInsteadOfHoldingItsReader() throws IOException {
    int closedPort;
    try (ServerSocket socket = new ServerSocket(0)) {
      closedPort = socket.getLocalPort();
    }
    AvroWireFormat unreachable =
        AvroWireFormat.schemaRegistry(HttpSchemaRegistry.at("http://127.0.0.1:" + closedPort));
    byte[] bytes = {0, 0, 0, 0, 7, 2, 'h', 'i'};

    assertThatThrownBy(() -> AvroSerde.of(CompletionResult.class).using(unreachable).decode(bytes))
        .isInstanceOf(UndecodableRecordException.class)
        .hasMessageContaining("schema id 7")
        .hasMessageContaining("could not be reached");
    assertThatThrownBy(
            () ->
                AvroSerde.of(CompletionResult.class)
                    .using(unreachable)
                    .serialize(RESULTS, SampleRecords.completionResult()))
        .isInstanceOf(SerializationException.class)
        .hasMessageContaining("topic promptyard.results")
        .hasMessageContaining("could not be reached");
  }

  @Test
  void theInstalledFormatReachesSerdesMadeBeforeItAndDeadLettersStaySingleObject() {
    AvroSerde<CompletionResult> madeEarlier = AvroSerde.of(CompletionResult.class);
    AvroWireFormat.install(format);
    AvroSerde<DeadLetter> letters = AvroSerde.singleObject(DeadLetter.class);

    byte[] result = madeEarlier.serialize(RESULTS, SampleRecords.completionResult());
    byte[] letter = letters.serialize("promptyard.dlq", SampleRecords.deadLetter());

    assertThat(result[0]).as("registry format").isZero();
    assertThat(Arrays.copyOf(letter, 2))
        .as("single-object marker")
        .containsExactly((byte) 0xC3, (byte) 0x01);
    assertThat(registry.registrations).containsExactly("promptyard.results-value");
  }
}
