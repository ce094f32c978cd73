package io.promptyard.schemas.registry;

import java.nio.ByteBuffer;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.Schema;

/**
 * The Schema Registry wire format over one registry: each value is the magic byte 0, the 4-byte
 * big-endian id of its writer's schema, then the record in Avro binary encoding. Schemas are
 * registered under the topic's subject ({@code <topic>-value}, the TopicNameStrategy Kafka Connect,
 * ksqlDB and Flink assume) on first use; ids and the schemas behind them are cached for the life of
 * this object, so the registry is asked once per subject and once per id.
 */
public final class SchemaRegistryWire {

  /** The first byte of every value in this format. */
  public static final byte MAGIC_BYTE = 0;

  /** The magic byte and the schema id that come before the Avro binary. */
  public static final int HEADER_BYTES = 5;

  private final SchemaRegistry registry;
  private final Map<Registration, Integer> ids = new ConcurrentHashMap<>();
  private final Map<Integer, Schema> schemas = new ConcurrentHashMap<>();

  private record Registration(String subject, Schema schema) {}

  public SchemaRegistryWire(SchemaRegistry registry) {
    this.registry = registry;
  }

  /** The subject of a topic's values under the TopicNameStrategy. */
  public static String subject(String topic) {
    return topic + "-value";
  }

  /** Whether {@code bytes} start like a value in this format. */
  public static boolean carries(byte[] bytes) {
    return bytes.length >= HEADER_BYTES && bytes[0] == MAGIC_BYTE;
  }

  /** The schema id of a value in this format. */
  public static int idOf(byte[] bytes) {
    return ByteBuffer.wrap(bytes, 1, 4).getInt();
  }

  /**
   * The id of {@code schema} for values of {@code topic}, registered under its subject the first
   * time.
   *
   * @throws SchemaRegistryException when the registry refuses it or cannot be reached
   */
  public int id(String topic, Schema schema) {
    Registration registration = new Registration(subject(topic), schema);
    Integer id = ids.get(registration);
    if (id == null) {
      // Not computeIfAbsent: the HTTP call would hold a lock other subjects may need.
      id = registry.register(registration.subject(), schema);
      ids.putIfAbsent(registration, id);
      schemas.putIfAbsent(id, schema);
    }
    return id;
  }

  /**
   * The schema registered with {@code id}.
   *
   * @throws SchemaRegistryException when the registry has no such id or cannot be reached
   */
  public Schema schema(int id) {
    Schema schema = schemas.get(id);
    if (schema == null) {
      schema = registry.schema(id);
      schemas.putIfAbsent(id, schema);
    }
    return schema;
  }

  /** The 5 bytes that start a value written with schema {@code id}. */
  public static byte[] header(int id) {
    return ByteBuffer.allocate(HEADER_BYTES).put(MAGIC_BYTE).putInt(id).array();
  }

  /** Where the registry is, for error messages. */
  public String describe() {
    return registry.describe();
  }
}
