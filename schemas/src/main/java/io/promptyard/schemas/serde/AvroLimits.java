package io.promptyard.schemas.serde;

import java.lang.reflect.Method;
import org.apache.avro.SystemLimitException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The most a decoded Avro value may claim, so that a record of a few bytes cannot make a reader
 * allocate gigabytes.
 *
 * <p>Avro reads a string's, a byte array's and an array's or map's length from the record itself
 * and allocates that much before reading the contents: a 23-byte record claiming 2^30 messages asks
 * for a 4 GiB array. Avro checks each length against the JVM-wide system properties below and
 * throws {@link SystemLimitException} beyond them, which {@link AvroSerde} reports as an
 * undecodable record. Their defaults (2^31 - 9) protect nothing, so Promptyard sets these unless
 * the operator already set them with {@code -D} (through {@code JAVA_TOOL_OPTIONS} or {@code
 * PROMPTYARD_JAVA_OPTS}):
 *
 * <ul>
 *   <li>{@value #STRING_PROPERTY}: {@value #DEFAULT_MAX_STRING_BYTES} bytes (16 MiB) in one string;
 *   <li>{@value #BYTES_PROPERTY}: {@value #DEFAULT_MAX_BYTES} bytes (16 MiB) in one {@code bytes}
 *       value (a dead letter's original record);
 *   <li>{@value #COLLECTION_PROPERTY}: {@value #DEFAULT_MAX_COLLECTION_ITEMS} items in one array or
 *       map.
 * </ul>
 *
 * Records larger than these are larger than Kafka's default message size (1 MB) many times over; a
 * cluster that carries larger ones raises them.
 */
public final class AvroLimits {

  public static final String STRING_PROPERTY = SystemLimitException.MAX_STRING_LENGTH_PROPERTY;
  public static final String BYTES_PROPERTY = SystemLimitException.MAX_BYTES_LENGTH_PROPERTY;
  public static final String COLLECTION_PROPERTY =
      SystemLimitException.MAX_COLLECTION_LENGTH_PROPERTY;
  public static final int DEFAULT_MAX_STRING_BYTES = 16 * 1024 * 1024;
  public static final int DEFAULT_MAX_BYTES = 16 * 1024 * 1024;
  public static final int DEFAULT_MAX_COLLECTION_ITEMS = 100_000;

  private static final Logger log = LoggerFactory.getLogger(AvroLimits.class);

  static {
    setUnlessSet(STRING_PROPERTY, DEFAULT_MAX_STRING_BYTES);
    setUnlessSet(BYTES_PROPERTY, DEFAULT_MAX_BYTES);
    setUnlessSet(COLLECTION_PROPERTY, DEFAULT_MAX_COLLECTION_ITEMS);
    // Avro reads the properties once, when SystemLimitException is first used, and building any
    // generated record with
    // a default value uses it: it usually happened before this class was loaded. Its resetLimits()
    // reads them again;
    // it is package-private (Avro's own tests call it), hence reflection.
    if (!enforced()) {
      rereadAvroLimits();
    }
    if (!enforced()) {
      log.warn(
          "Avro's length limits are not in force: a small record can claim a huge array or string; start the JVM "
              + "with -D{}=…, -D{}=… and -D{}=…",
          STRING_PROPERTY,
          BYTES_PROPERTY,
          COLLECTION_PROPERTY);
    }
  }

  private AvroLimits() {}

  /** Makes sure the limits are set; the first call does the work, later ones nothing. */
  static void apply() {
    // the static initializer above runs on the first call
  }

  /**
   * Whether Avro refuses a collection larger than the configured limit (false when it took its
   * defaults).
   */
  static boolean enforced() {
    long limit;
    try {
      limit = Long.parseLong(System.getProperty(COLLECTION_PROPERTY, "").trim());
    } catch (NumberFormatException e) {
      return true; // the operator's own value, which Avro reads its own way: nothing to check
      // against
    }
    try {
      SystemLimitException.checkMaxCollectionLength(limit + 1);
      return false;
    } catch (SystemLimitException | UnsupportedOperationException refused) {
      return true;
    }
  }

  private static void rereadAvroLimits() {
    try {
      Method reset = SystemLimitException.class.getDeclaredMethod("resetLimits");
      reset.setAccessible(true);
      reset.invoke(null);
    } catch (ReflectiveOperationException | RuntimeException e) {
      log.debug("could not make Avro read its limits again", e);
    }
  }

  private static void setUnlessSet(String property, int value) {
    String set = System.getProperty(property);
    if (set == null || set.isBlank()) {
      System.setProperty(property, Integer.toString(value));
    }
  }
}
