package io.promptyard.schemas.config;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * Reads configuration values by {@link ConfigKey} from one source (normally the process
 * environment, captured once at start-up) and fails fast with a message naming the bad key.
 */
public record Settings(Map<String, String> source) {

  public Settings {
    source = Map.copyOf(source);
  }

  /** The value, or the key's default; empty when neither is set. */
  public Optional<String> get(ConfigKey key) {
    String v = source.get(key.name());
    if (v == null || v.isBlank()) {
      v = key.defaultValue();
    }
    return Optional.ofNullable(v).map(String::trim);
  }

  /** The value or default; a missing value is an error. */
  public String require(ConfigKey key) {
    return get(key)
        .orElseThrow(() -> new ConfigException(key.name() + " is required: " + key.doc()));
  }

  /**
   * The value or default as a comma-separated list, each item trimmed and empty items left out;
   * empty when neither is set.
   */
  public Optional<List<String>> list(ConfigKey key) {
    return get(key)
        .map(v -> Arrays.stream(v.split(",")).map(String::trim).filter(i -> !i.isEmpty()).toList());
  }

  /**
   * The value or default as comma-separated {@code name=value} pairs ({@code
   * search=lowest_latency,batch-jobs=cheapest}), each value read by {@code value}, in their order;
   * empty when neither is set.
   */
  public <V> Map<String, V> pairs(ConfigKey key, Function<String, V> value) {
    Map<String, V> out = new LinkedHashMap<>();
    for (String pair : list(key).orElse(List.of())) {
      int eq = pair.indexOf('=');
      if (eq <= 0) {
        throw new ConfigException(key.name() + ": '" + pair + "' is not name=value: " + key.doc());
      }
      out.put(pair.substring(0, eq).trim(), value.apply(pair.substring(eq + 1).trim()));
    }
    return out;
  }

  /** The value or default, a percentage from 0 to 100 (decimals allowed), as a fraction 0 to 1. */
  public double percentValue(ConfigKey key) {
    return percent(key, require(key));
  }

  /** {@code v}, the value of {@code key} or part of it, a percentage from 0 to 100, as 0 to 1. */
  public static double percent(ConfigKey key, String v) {
    double d;
    try {
      d = Double.parseDouble(v);
    } catch (NumberFormatException e) {
      throw new ConfigException(key.name() + ": '" + v + "' is not a number: " + key.doc());
    }
    if (!(d >= 0 && d <= 100)) {
      throw new ConfigException(
          key.name() + ": '" + v + "' is not a percentage from 0 to 100: " + key.doc());
    }
    return d / 100;
  }

  public int intValue(ConfigKey key, int min) {
    return intValue(key, min, Integer.MAX_VALUE);
  }

  /** The value or default, an integer from {@code min} to {@code max}. */
  public int intValue(ConfigKey key, int min, int max) {
    String v = require(key);
    int i;
    try {
      i = Integer.parseInt(v);
    } catch (NumberFormatException e) {
      throw new ConfigException(key.name() + "=" + v + " is not an integer: " + key.doc());
    }
    if (i < min) {
      throw ConfigException.atLeast(key, v, min);
    }
    if (i > max) {
      throw ConfigException.atMost(key, v, max);
    }
    return i;
  }

  /**
   * The value or default, an integer from {@code min} to {@code max}; empty when neither is set.
   */
  public Optional<Integer> optionalInt(ConfigKey key, int min, int max) {
    return get(key).isPresent() ? Optional.of(intValue(key, min, max)) : Optional.empty();
  }

  public boolean boolValue(ConfigKey key) {
    String v = require(key);
    return switch (v.toLowerCase(java.util.Locale.ROOT)) {
      case "true", "yes", "1" -> true;
      case "false", "no", "0" -> false;
      default ->
          throw new ConfigException(key.name() + "=" + v + " is not true or false: " + key.doc());
    };
  }
}
