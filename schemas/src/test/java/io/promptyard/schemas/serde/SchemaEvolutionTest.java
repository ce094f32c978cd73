package io.promptyard.schemas.serde;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.promptyard.schemas.CompletionChunk;
import io.promptyard.schemas.CompletionRequest;
import io.promptyard.schemas.Message;
import io.promptyard.schemas.Role;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.SchemaCompatibility.SchemaCompatibilityType;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.message.BinaryMessageEncoder;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecord;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Schemas evolve with full compatibility, every released version stays readable, and a schema
 * change cannot be made without releasing it as a new {@code schema-history/NAME/vN.avsc}.
 */
class SchemaEvolutionTest {

  /** A released schema version, named for test reports. */
  record Released(String name, int version, Schema schema, SpecificRecord sample) {
    @Override
    public String toString() {
      return name + " v" + version;
    }
  }

  static Stream<SpecificRecord> topLevelSamples() {
    return SampleRecords.all().stream();
  }

  static Stream<Released> everyReleasedVersion() {
    return topLevelSamples()
        .flatMap(
            sample -> {
              List<Schema> versions = SchemaHistory.releasedVersions(sample.getSchema().getName());
              return IntStream.range(0, versions.size())
                  .mapToObj(
                      i ->
                          new Released(
                              sample.getSchema().getName(), i + 1, versions.get(i), sample));
            });
  }

  static Stream<Named<SpecificRecord>> everyTopLevelRecord() {
    return topLevelSamples().map(r -> Named.of(r.getSchema().getName(), r));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("everyReleasedVersion")
  void everyReleasedVersionIsFullyCompatibleWithTheCurrentSchema(Released released) {
    Schema current = released.sample().getSchema();

    var currentReadsReleased =
        SchemaCompatibility.checkReaderWriterCompatibility(current, released.schema());
    var releasedReadsCurrent =
        SchemaCompatibility.checkReaderWriterCompatibility(released.schema(), current);

    assertThat(currentReadsReleased.getType())
        .as(
            "current %s reading %s (backward): %s",
            released.name(), released, currentReadsReleased.getResult().getIncompatibilities())
        .isEqualTo(SchemaCompatibilityType.COMPATIBLE);
    assertThat(releasedReadsCurrent.getType())
        .as(
            "%s reading the current schema (forward): %s",
            released, releasedReadsCurrent.getResult().getIncompatibilities())
        .isEqualTo(SchemaCompatibilityType.COMPATIBLE);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("everyReleasedVersion")
  void aRecordWrittenWithEveryReleasedVersionStillDecodes(Released released) throws IOException {
    // Project the sample onto the released schema, then write it the way a producer of that release
    // did.
    byte[] currentBody = avroBinary(released.sample());
    GenericRecord asReleased =
        new GenericDatumReader<GenericRecord>(released.sample().getSchema(), released.schema())
            .read(null, DecoderFactory.get().binaryDecoder(currentBody, null));
    byte[] written =
        new BinaryMessageEncoder<GenericRecord>(GenericData.get(), released.schema())
            .encode(asReleased)
            .array();

    SpecificRecord decoded = serdeFor(released.sample()).decode(written);

    for (Schema.Field field : released.schema().getFields()) {
      Schema.Field now = released.sample().getSchema().getField(field.name());
      if (now != null && now.schema().equals(field.schema())) {
        assertThat(decoded.get(now.pos()))
            .as("%s.%s", released, field.name())
            .isEqualTo(released.sample().get(now.pos()));
      }
    }
  }

  @Test
  void aRecordWrittenWithAnOlderSchemaReadsWithTheNewFieldsDefaulted() throws IOException {
    Schema older = testSchema("/evolution/CompletionRequest-older.avsc");
    Schema olderMessage = older.getField("messages").schema().getElementType();
    GenericRecord message = new GenericData.Record(olderMessage);
    message.put("role", new GenericData.EnumSymbol(olderMessage.getField("role").schema(), "USER"));
    message.put("text", "Explain the water cycle.");
    GenericRecord old = new GenericData.Record(older);
    old.put("id", "req-old-1");
    old.put("team", "search");
    old.put("user", "bob");
    old.put("model", "cheap");
    old.put("messages", List.of(message));
    old.put("deadline", 1_741_944_413_589L);
    byte[] written =
        new BinaryMessageEncoder<GenericRecord>(GenericData.get(), older).encode(old).array();

    CompletionRequest read = AvroSerde.of(CompletionRequest.class, List.of(older)).decode(written);

    assertThat(read.getId()).isEqualTo("req-old-1");
    assertThat(read.getTeam()).isEqualTo("search");
    assertThat(read.getUser()).isEqualTo("bob");
    assertThat(read.getModel()).isEqualTo("cheap");
    assertThat(read.getDeadline()).isEqualTo(Instant.ofEpochMilli(1_741_944_413_589L));
    assertThat(read.getMessages())
        .containsExactly(
            Message.newBuilder().setRole(Role.USER).setText("Explain the water cycle.").build());
    assertThat(read.getMessages().get(0).getParts()).isEmpty();
    assertThat(read.getMessages().get(0).getToolCalls()).isEmpty();
    assertThat(read.getTags()).isEmpty();
    assertThat(read.getParameters()).isNull();
    assertThat(read.getRouting()).isNull();
    assertThat(read.getCache()).isNull();
    assertThat(read.getReplyTopic()).isNull();
    assertThat(read.getStream()).isFalse();
    assertThat(read.getTemplate()).isNull();
    assertThat(read.getBatchId()).isNull();
    assertThat(read.getCustomId()).isNull();
    assertThat(read.getSubmittedAt()).isNull();
  }

  @Test
  void aChunkFromAWorkerThatDidNotRecordAttemptsReadsAsAttemptZero() throws IOException {
    GenericRecord old = SampleRecords.completionChunkV1();
    Schema v1 = old.getSchema();
    byte[] written =
        new BinaryMessageEncoder<GenericRecord>(GenericData.get(), v1).encode(old).array();

    CompletionChunk read = AvroSerde.of(CompletionChunk.class).decode(written);

    assertThat(read.getIndex()).isEqualTo(4);
    assertThat(read.getTextDelta()).isEqualTo("Paris");
    assertThat(read.getAttempt()).as("attempt not recorded").isZero();
  }

  @Test
  void aRecordWrittenWithAnUnregisteredSchemaIsUndecodable() throws IOException {
    Schema older = testSchema("/evolution/CompletionRequest-older.avsc");
    GenericRecord old = new GenericData.Record(older);
    old.put("id", "req-old-2");
    old.put("team", "search");
    old.put("model", "cheap");
    old.put("messages", List.of());
    byte[] written =
        new BinaryMessageEncoder<GenericRecord>(GenericData.get(), older).encode(old).array();

    assertThatThrownBy(() -> AvroSerde.of(CompletionRequest.class).decode(written))
        .isInstanceOf(UndecodableRecordException.class)
        .hasMessageContaining("CompletionRequest");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("everyTopLevelRecord")
  void everyCurrentSchemaIsItsLatestReleasedVersion(SpecificRecord sample) {
    String name = sample.getSchema().getName();
    List<Schema> released = SchemaHistory.releasedVersions(name);

    assertThat(released)
        .as("%s has no released version; add schema-history/%s/v1.avsc with its schema", name, name)
        .isNotEmpty();
    Schema latest = released.get(released.size() - 1);
    // Schema.equals compares names, types, symbols, defaults and properties, but not docs: a
    // doc-only edit needs no release.
    assertThat(sample.getSchema())
        .as(
            "%s differs from schema-history/%s/v%d.avsc: release the change by adding v%d.avsc with %s.SCHEMA$ "
                + "(never edit a released version)",
            name, name, released.size(), released.size() + 1, name)
        .isEqualTo(latest);
  }

  @Test
  void historyHoldsOnlyTopLevelRecordsWithContiguousVersions()
      throws IOException, URISyntaxException {
    Path history = Path.of(SchemaHistory.class.getResource("/schema-history").toURI());
    Set<String> topLevel =
        topLevelSamples()
            .map(r -> r.getSchema().getName())
            .collect(Collectors.toCollection(TreeSet::new));

    Set<String> directories;
    try (Stream<Path> dirs = Files.list(history)) {
      directories =
          dirs.map(d -> d.getFileName().toString()).collect(Collectors.toCollection(TreeSet::new));
    }
    assertThat(directories).as("record names under schema-history").isEqualTo(topLevel);

    for (String name : directories) {
      List<String> files;
      try (Stream<Path> f = Files.list(history.resolve(name))) {
        files = f.map(p -> p.getFileName().toString()).sorted().toList();
      }
      List<String> contiguous =
          IntStream.rangeClosed(1, files.size()).mapToObj(v -> "v" + v + ".avsc").sorted().toList();
      assertThat(files)
          .as("schema-history/%s must hold v1.avsc … vN.avsc without gaps", name)
          .isEqualTo(contiguous);
    }
  }

  private static byte[] avroBinary(SpecificRecord record) throws IOException {
    var out = new ByteArrayOutputStream();
    BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(out, null);
    new SpecificDatumWriter<SpecificRecord>(record.getSchema()).write(record, encoder);
    encoder.flush();
    return out.toByteArray();
  }

  @SuppressWarnings("unchecked")
  private static <T extends SpecificRecord> AvroSerde<T> serdeFor(T record) {
    return AvroSerde.of((Class<T>) record.getClass());
  }

  private static Schema testSchema(String resource) {
    try (InputStream in = SchemaEvolutionTest.class.getResourceAsStream(resource)) {
      return new Schema.Parser().parse(new String(in.readAllBytes(), StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
