package io.promptyard.schemas.deadletter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.promptyard.schemas.DeadLetter;
import io.promptyard.schemas.ErrorCode;
import io.promptyard.schemas.RecordHeader;
import io.promptyard.schemas.serde.AvroSerde;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.errors.NotEnoughReplicasException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.apache.kafka.streams.errors.ProcessingExceptionHandler;
import org.apache.kafka.streams.errors.ProductionExceptionHandler;
import org.apache.kafka.streams.processor.TaskId;
import org.apache.kafka.streams.processor.api.Record;
import org.junit.jupiter.api.Test;

class DeadLetterExceptionHandlerTest {

  private static final AvroSerde<DeadLetter> LETTERS = AvroSerde.of(DeadLetter.class);

  /** An input record as Kafka Streams describes it to the handler; topic null for a punctuation. */
  private record Context(String topic, byte[] sourceRawKey, byte[] sourceRawValue, Headers headers)
      implements ErrorHandlerContext {
    @Override
    public int partition() {
      return 3;
    }

    @Override
    public long offset() {
      return 42;
    }

    @Override
    public String processorNodeId() {
      return "route";
    }

    @Override
    public TaskId taskId() {
      return new TaskId(0, 3);
    }

    @Override
    public long timestamp() {
      return 0;
    }
  }

  private static Context input(byte[] key, byte[] value) {
    Headers headers =
        new RecordHeaders()
            .add("traceparent", utf8("00-abc-def-01"))
            .add("Authorization", utf8("Bearer sk-secret"));
    return new Context("promptyard.requests", key, value, headers);
  }

  private static DeadLetterExceptionHandler handler(int maxRecordBytes) {
    Properties props = new Properties();
    DeadLetterExceptionHandler.install(props, "promptyard.dlq");
    props.put(StreamsConfig.producerPrefix("max.request.size"), maxRecordBytes);
    DeadLetterExceptionHandler h = new DeadLetterExceptionHandler();
    @SuppressWarnings({"unchecked", "rawtypes"})
    Map<String, ?> configs = (Map) props;
    h.configure(configs);
    return h;
  }

  @Test
  void aProcessingErrorBecomesADeadLetterWithTheOriginalBytesAndTheExceptionAndProcessingResumes() {
    ProcessingExceptionHandler.Response r =
        handler(1_048_576)
            .handleError(
                input(utf8("req-1"), utf8("{\"model\":1}")),
                new Record<>("req-1", "x", 0L),
                new ArithmeticException("long overflow"));

    assertThat(r.result()).isEqualTo(ProcessingExceptionHandler.Result.RESUME);
    ProducerRecord<byte[], byte[]> out = r.deadLetterQueueRecords().getFirst();
    assertThat(out.topic()).isEqualTo("promptyard.dlq");
    assertThat(out.key()).isEqualTo(utf8("req-1"));
    DeadLetter letter = LETTERS.decode(out.value());
    assertThat(letter.getOriginTopic()).isEqualTo("promptyard.requests");
    assertThat(letter.getOriginPartition()).isEqualTo(3);
    assertThat(letter.getOriginOffset()).isEqualTo(42);
    assertThat(bytes(letter.getValue())).isEqualTo(utf8("{\"model\":1}"));
    assertThat(letter.getErrorCode()).isEqualTo(ErrorCode.INTERNAL);
    assertThat(letter.getErrorMessage())
        .isEqualTo("processing failed in route: java.lang.ArithmeticException: long overflow");
    assertThat(letter.getHeaders()).extracting(RecordHeader::getKey).containsExactly("traceparent");
  }

  @Test
  void aFailedPunctuationHasNoRecordToSetAsideAndResumes() {
    ProcessingExceptionHandler.Response r =
        handler(1_048_576)
            .handleError(
                new Context(null, null, null, new RecordHeaders()),
                (Record<?, ?>) null,
                new IllegalStateException("store closed"));

    assertThat(r.result()).isEqualTo(ProcessingExceptionHandler.Result.RESUME);
    assertThat(r.deadLetterQueueRecords()).isEmpty();
  }

  @Test
  void aRetriableSendErrorIsRetriedAndAnotherBecomesADeadLetter() {
    DeadLetterExceptionHandler h = handler(1_048_576);
    ProducerRecord<byte[], byte[]> routed =
        new ProducerRecord<>("promptyard.route.openai", utf8("req-1"), new byte[10]);

    assertThat(
            h.handleError(input(null, null), routed, new NotEnoughReplicasException("2 of 3"))
                .result())
        .isEqualTo(ProductionExceptionHandler.Result.RETRY);
    ProductionExceptionHandler.Response r =
        h.handleError(input(null, null), routed, new RecordTooLargeException("too big"));
    assertThat(r.result()).isEqualTo(ProductionExceptionHandler.Result.RESUME);
    DeadLetter letter = LETTERS.decode(r.deadLetterQueueRecords().getFirst().value());
    assertThat(letter.getErrorMessage())
        .startsWith(
            "could not publish to promptyard.route.openai: "
                + "org.apache.kafka.common.errors.RecordTooLargeException: too big")
        .contains("the original record is at promptyard.requests-3@42");
    assertThat(r.deadLetterQueueRecords().getFirst().key())
        .as("the failed record's key, when the input's is gone")
        .isEqualTo(utf8("req-1"));
  }

  @Test
  void aDeadLetterIsNeverDeadLetteredAgain() {
    ProducerRecord<byte[], byte[]> letter =
        new ProducerRecord<>("promptyard.dlq", utf8("req-1"), new byte[10]);

    ProductionExceptionHandler.Response r =
        handler(1_048_576).handleError(input(null, null), letter, new RecordTooLargeException("x"));

    assertThat(r.result()).isEqualTo(ProductionExceptionHandler.Result.RESUME);
    assertThat(r.deadLetterQueueRecords()).isEmpty();
  }

  @Test
  void aDeadLetterThatWouldBeTooLargeIsPublishedWithoutTheOriginalBytesAndSaysWhereTheyAre() {
    byte[] original = new byte[30_000];
    byte[] longKey = new byte[2_000];

    ProcessingExceptionHandler.Response r =
        handler(20_000)
            .handleError(
                input(longKey, original), (Record<?, ?>) null, new IllegalArgumentException("bad"));

    ProducerRecord<byte[], byte[]> out = r.deadLetterQueueRecords().getFirst();
    assertThat(out.key()).as("a key longer than a key may be").isNull();
    assertThat(out.value().length).isLessThan(20_000);
    DeadLetter letter = LETTERS.decode(out.value());
    assertThat(letter.getValue()).isNull();
    assertThat(letter.getErrorMessage())
        .contains("its 30000 bytes are left out")
        .contains("read them at promptyard.requests-3@42");
  }

  @Test
  void aProcessorsOwnDeadLetterThatFailsToSerializeForItsSizeIsPublishedSlimmer() {
    DeadLetter big =
        DeadLetter.newBuilder()
            .setOriginTopic("promptyard.requests")
            .setOriginPartition(0)
            .setOriginOffset(7)
            .setValue(ByteBuffer.wrap(new byte[30_000]))
            .setErrorCode(ErrorCode.UNDECODABLE)
            .setErrorMessage("not JSON")
            .setDeadLetteredAt(java.time.Instant.EPOCH)
            .build();

    ProductionExceptionHandler.Response r =
        handler(20_000)
            .handleSerializationError(
                input(null, null),
                new ProducerRecord<>("promptyard.dlq", "junk-1", big),
                new RecordTooLargeException("a record of 30100 bytes"),
                ProductionExceptionHandler.SerializationExceptionOrigin.VALUE);

    ProducerRecord<byte[], byte[]> out = r.deadLetterQueueRecords().getFirst();
    assertThat(out.key()).isEqualTo(utf8("junk-1"));
    DeadLetter letter = LETTERS.decode(out.value());
    assertThat(letter.getValue()).isNull();
    assertThat(letter.getErrorMessage())
        .startsWith("not JSON (its 30000 bytes are left out")
        .contains("promptyard.requests-0@7");
  }

  @Test
  void withoutADeadLetterTopicItRefusesToStartNamingTheSetting() {
    assertThatThrownBy(() -> new DeadLetterExceptionHandler().configure(Map.of()))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("errors.dead.letter.queue.topic.name");
  }

  @Test
  void aRecordThatCannotBeDeserializedBecomesAnUndecodableDeadLetter() {
    var r =
        handler(1_048_576)
            .handleError(
                input(utf8("k"), utf8("garbage")),
                new ConsumerRecord<>("promptyard.requests", 3, 42, utf8("k"), utf8("garbage")),
                new IllegalArgumentException("bad bytes"));

    assertThat(LETTERS.decode(r.deadLetterQueueRecords().getFirst().value()).getErrorCode())
        .isEqualTo(ErrorCode.UNDECODABLE);
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static byte[] bytes(ByteBuffer b) {
    byte[] out = new byte[b.remaining()];
    b.duplicate().get(out);
    return out;
  }
}
