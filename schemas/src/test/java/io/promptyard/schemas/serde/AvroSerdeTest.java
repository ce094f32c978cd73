package io.promptyard.schemas.serde;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.promptyard.schemas.CompletionRequest;
import io.promptyard.schemas.CompletionResult;
import io.promptyard.schemas.UsageEvent;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.stream.Stream;
import org.apache.avro.SchemaNormalization;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class AvroSerdeTest {

  static Stream<Named<SpecificRecord>> everyTopLevelRecord() {
    return SampleRecords.all().stream().map(r -> Named.of(r.getSchema().getName(), r));
  }

  @SuppressWarnings("unchecked")
  private static <T extends SpecificRecord> AvroSerde<T> serdeFor(T record) {
    return AvroSerde.of((Class<T>) record.getClass());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("everyTopLevelRecord")
  void everyTopLevelRecordSurvivesARoundTrip(SpecificRecord record) {
    AvroSerde<SpecificRecord> serde = serdeFor(record);

    SpecificRecord decoded =
        serde.deserialize("promptyard.any", serde.serialize("promptyard.any", record));

    assertThat(decoded).isEqualTo(record);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("everyTopLevelRecord")
  void encodedValueStartsWithTheSingleObjectMarkerAndTheSchemaFingerprint(SpecificRecord record) {
    byte[] bytes = serdeFor(record).encode(record);

    long fingerprint = SchemaNormalization.parsingFingerprint64(record.getSchema());
    byte[] expectedHeader =
        ByteBuffer.allocate(10)
            .order(ByteOrder.LITTLE_ENDIAN)
            .put((byte) 0xC3)
            .put((byte) 0x01)
            .putLong(fingerprint)
            .array();
    assertThat(Arrays.copyOf(bytes, 10)).isEqualTo(expectedHeader);
  }

  @Test
  void garbageBytesAreUndecodableAndNameTheExpectedType() {
    AvroSerde<CompletionRequest> serde = AvroSerde.of(CompletionRequest.class);
    byte[] garbage = "{\"model\":\"gpt-4o\"}".getBytes(StandardCharsets.UTF_8);

    assertThatThrownBy(() -> serde.decode(garbage))
        .isInstanceOf(UndecodableRecordException.class)
        .hasMessageContaining("CompletionRequest");
  }

  @Test
  void emptyAndNullValuesAreUndecodable() {
    AvroSerde<CompletionRequest> serde = AvroSerde.of(CompletionRequest.class);

    assertThatThrownBy(() -> serde.decode(new byte[0]))
        .isInstanceOf(UndecodableRecordException.class)
        .hasMessageContaining("CompletionRequest");
    assertThatThrownBy(() -> serde.decode(null))
        .isInstanceOf(UndecodableRecordException.class)
        .hasMessageContaining("CompletionRequest");
  }

  @Test
  void truncatedBytesAreUndecodable() {
    AvroSerde<CompletionRequest> serde = AvroSerde.of(CompletionRequest.class);
    byte[] whole = serde.encode(SampleRecords.completionRequest());

    for (int length : new int[] {1, 5, 10, whole.length / 2, whole.length - 1}) {
      byte[] truncated = Arrays.copyOf(whole, length);
      assertThatThrownBy(() -> serde.decode(truncated))
          .as("first %d of %d bytes", length, whole.length)
          .isInstanceOf(UndecodableRecordException.class)
          .hasMessageContaining("CompletionRequest");
    }
  }

  @Test
  void anotherRecordTypesBytesAreUndecodable() {
    byte[] usageEvent = AvroSerde.of(UsageEvent.class).encode(SampleRecords.usageEvent());

    assertThatThrownBy(() -> AvroSerde.of(CompletionResult.class).decode(usageEvent))
        .isInstanceOf(UndecodableRecordException.class)
        .hasMessageContaining("CompletionResult");
  }

  @Test
  void kafkaDeserializerWrapsUndecodableValuesInASerializationExceptionNamingTheTopic() {
    AvroSerde<CompletionRequest> serde = AvroSerde.of(CompletionRequest.class);

    assertThatThrownBy(
            () ->
                serde
                    .deserializer()
                    .deserialize("promptyard.requests", new byte[] {(byte) 0xC3, 0x01, 7}))
        .isInstanceOf(SerializationException.class)
        .hasMessageContaining("promptyard.requests")
        .hasMessageContaining("CompletionRequest")
        .hasCauseInstanceOf(UndecodableRecordException.class);
  }

  @Test
  void kafkaNullValuesStayNull() {
    AvroSerde<CompletionRequest> serde = AvroSerde.of(CompletionRequest.class);

    assertThat(serde.serializer().serialize("t", null)).isNull();
    assertThat(serde.deserializer().deserialize("t", null)).isNull();
  }
}
