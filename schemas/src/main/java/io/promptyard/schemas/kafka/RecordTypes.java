package io.promptyard.schemas.kafka;

import io.promptyard.schemas.Alert;
import io.promptyard.schemas.AuditEvent;
import io.promptyard.schemas.Budget;
import io.promptyard.schemas.BudgetSettlement;
import io.promptyard.schemas.CompletionChunk;
import io.promptyard.schemas.CompletionRequest;
import io.promptyard.schemas.CompletionResult;
import io.promptyard.schemas.DeadLetter;
import io.promptyard.schemas.PromptTemplate;
import io.promptyard.schemas.ProviderHealth;
import io.promptyard.schemas.RoutedRequest;
import io.promptyard.schemas.SemanticCacheEntry;
import io.promptyard.schemas.SemanticPause;
import io.promptyard.schemas.TeamGuardPolicy;
import io.promptyard.schemas.TeamQuota;
import io.promptyard.schemas.UsageEvent;
import io.promptyard.schemas.UsageTotals;
import io.promptyard.schemas.registry.SchemaRegistryWire;
import io.promptyard.schemas.serde.SchemaHistory;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.avro.Schema;
import org.apache.avro.SchemaNormalization;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.config.ConfigException;

/**
 * The record types Promptyard's topics carry, and which of them wrote a value: what lets a
 * deserializer given the wrong topic say which type it found instead of only that it failed.
 */
final class RecordTypes {

  /** Every record type that is the value of a Promptyard topic. */
  static final List<Class<? extends SpecificRecord>> ALL =
      List.of(
          CompletionRequest.class,
          RoutedRequest.class,
          CompletionResult.class,
          CompletionChunk.class,
          UsageEvent.class,
          UsageTotals.class,
          Alert.class,
          DeadLetter.class,
          Budget.class,
          BudgetSettlement.class,
          ProviderHealth.class,
          PromptTemplate.class,
          AuditEvent.class,
          SemanticCacheEntry.class,
          TeamGuardPolicy.class,
          TeamQuota.class,
          SemanticPause.class);

  /** Schema fingerprint of every current and released version to its record's name. */
  private static final Map<Long, String> WRITERS = writers();

  private RecordTypes() {}

  private static Map<Long, String> writers() {
    Map<Long, String> writers = new HashMap<>();
    for (Class<? extends SpecificRecord> type : ALL) {
      Schema current = SpecificData.get().getSchema(type);
      writers.put(SchemaNormalization.parsingFingerprint64(current), current.getName());
      for (Schema released : SchemaHistory.releasedVersions(current.getName())) {
        writers.put(SchemaNormalization.parsingFingerprint64(released), current.getName());
      }
    }
    return Map.copyOf(writers);
  }

  /**
   * The record class named by {@code key} in a client's properties: a {@code Class} or its name,
   * fully qualified or simple ({@code CompletionResult}).
   *
   * @throws ConfigException when it is missing or not one of {@link #ALL}
   */
  @SuppressWarnings("unchecked")
  static <T extends SpecificRecord> Class<T> fromConfig(Map<String, ?> configs, String key) {
    Object value = configs.get(key);
    String name =
        value instanceof Class<?> c ? c.getName() : value == null ? null : value.toString().trim();
    for (Class<? extends SpecificRecord> type : ALL) {
      if (type.getName().equals(name) || type.getSimpleName().equals(name)) {
        return (Class<T>) type;
      }
    }
    throw new ConfigException(
        key,
        value,
        "one of "
            + ALL.stream().map(Class::getSimpleName).toList()
            + " is needed: the Promptyard record this serializer or deserializer handles");
  }

  /**
   * What {@code bytes} look like, in words for an error message, without quoting any of them: a
   * Promptyard record of another type, Avro single-object encoding by an unknown schema, the Schema
   * Registry wire format, JSON, or none of these.
   */
  static String describe(byte[] bytes) {
    if (bytes.length >= 10 && (bytes[0] & 0xFF) == 0xC3 && bytes[1] == 0x01) {
      long fingerprint = ByteBuffer.wrap(bytes, 2, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
      return Optional.ofNullable(WRITERS.get(fingerprint))
          .map(name -> "a " + name + " (use " + name + "Deserializer for that topic)")
          .orElse(
              "Avro single-object encoded by a schema no Promptyard release wrote (fingerprint "
                  + Long.toHexString(fingerprint)
                  + ")");
    }
    if (SchemaRegistryWire.carries(bytes)) {
      return "in the Schema Registry wire format (schema id "
          + SchemaRegistryWire.idOf(bytes)
          + ")";
    }
    if (bytes.length > 0 && (bytes[0] == '{' || bytes[0] == '[')) {
      return "JSON, not Avro (a JSON mirror topic is read with a JSON or String deserializer)";
    }
    return "not Avro single-object encoded";
  }
}
