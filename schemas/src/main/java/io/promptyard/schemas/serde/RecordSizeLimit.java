package io.promptyard.schemas.serde;

import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Keeps every record a Kafka Streams service publishes within its producer's {@code
 * max.request.size}.
 *
 * <p>Under exactly-once, a record the producer refuses for its size puts the transaction in an
 * error state: no exception handler can skip it, the stream thread dies, and the thread that
 * replaces it reads the same input again, for ever. So a value serializer wrapped here measures the
 * record first — value, headers, and room for the key and the framing — and refuses one too large
 * with a {@link RecordTooLargeException} while serializing, which Kafka Streams hands to the
 * production exception handler as a serialization error, before anything is sent: the input becomes
 * a dead letter and the stream goes on.
 */
public final class RecordSizeLimit {

  /** The producer's default {@code max.request.size}. */
  public static final int DEFAULT_MAX_RECORD_BYTES = 1_048_576;

  /**
   * The longest key a record may carry (request ids are far shorter); a dead letter drops a longer
   * one.
   */
  public static final int MAX_KEY_BYTES = 1_024;

  /** Room left for the key and for Kafka's record and batch framing. */
  static final int KEY_AND_FRAMING_BYTES = 8 * 1_024;

  private RecordSizeLimit() {}

  /**
   * {@code values}, refusing a record whose value and headers leave less than the key's room under
   * {@code maxRecordBytes}.
   */
  public static <T> Serializer<T> of(Serializer<T> values, int maxRecordBytes) {
    return new Serializer<>() {
      @Override
      public byte[] serialize(String topic, T data) {
        return serialize(topic, null, data);
      }

      @Override
      public byte[] serialize(String topic, Headers headers, T data) {
        byte[] bytes = values.serialize(topic, headers, data);
        long size = (bytes == null ? 0 : bytes.length) + headerBytes(headers);
        if (!fits(size, maxRecordBytes)) {
          throw new RecordTooLargeException(
              "a record of "
                  + size
                  + " bytes for "
                  + topic
                  + " is larger than the "
                  + maxRecordBytes
                  + " bytes a record may have (max.request.size, less "
                  + KEY_AND_FRAMING_BYTES
                  + " for its key and framing)");
        }
        return bytes;
      }
    };
  }

  /**
   * Whether a record of {@code valueAndHeaderBytes}, plus a key of at most {@link #MAX_KEY_BYTES},
   * fits.
   */
  public static boolean fits(long valueAndHeaderBytes, int maxRecordBytes) {
    return valueAndHeaderBytes + KEY_AND_FRAMING_BYTES <= maxRecordBytes;
  }

  /** The bytes of a record's header names and values. */
  public static long headerBytes(Headers headers) {
    long bytes = 0;
    if (headers != null) {
      for (Header h : headers) {
        bytes += h.key().length() * 3L + (h.value() == null ? 0 : h.value().length);
      }
    }
    return bytes;
  }

  /** {@code key} when it is at most {@link #MAX_KEY_BYTES}, else null. */
  public static byte[] boundedKey(byte[] key) {
    return key == null || key.length <= MAX_KEY_BYTES ? key : null;
  }

  /** {@code key} when its UTF-8 is at most {@link #MAX_KEY_BYTES}, else null. */
  public static String boundedKey(String key) {
    return key == null
            || key.length() * 3L <= MAX_KEY_BYTES
            || key.getBytes(java.nio.charset.StandardCharsets.UTF_8).length <= MAX_KEY_BYTES
        ? key
        : null;
  }
}
