package io.promptyard.cli.dlq;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.promptyard.router.validation.RequestValidator;
import io.promptyard.schemas.Parameters;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Request parameters an operator changes when replaying ({@code --set max_tokens=512}), by their
 * OpenAI names: parsed and checked once, then applied to an Avro request or a JSON ingress body
 * alike. Each value is checked as the router checks a request's parameters, so the CLI refuses
 * before publishing what the router would reject.
 */
public record ParameterOverrides(Map<String, Object> values) {

  /** The names {@code --set} takes. */
  public static final List<String> NAMES =
      List.of("max_tokens", "temperature", "top_p", "seed", "stop", "tool_choice");

  public ParameterOverrides {
    values = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(values));
  }

  public static ParameterOverrides none() {
    return new ParameterOverrides(Map.of());
  }

  /**
   * Parses {@code name=value} pairs and checks each value as the router's ingress validation does
   * ({@link RequestValidator#parameterProblem}); a bad name or value is an error naming it.
   */
  public static ParameterOverrides parse(List<String> pairs, RequestValidator validator) {
    Map<String, Object> values = new LinkedHashMap<>();
    for (String pair : pairs) {
      int eq = pair.indexOf('=');
      if (eq <= 0) {
        throw new IllegalArgumentException(
            "--set " + pair + ": expected name=value, e.g. max_tokens=512");
      }
      String name = pair.substring(0, eq).trim();
      String value = pair.substring(eq + 1).trim();
      Object parsed = parse(name, value);
      new ParameterOverrides(Map.of(name, parsed))
          .problemFor(null, validator)
          .ifPresent(
              problem -> {
                throw new IllegalArgumentException(
                    "--set "
                        + name
                        + "="
                        + value
                        + ": "
                        + problem
                        + ", so the router would reject it");
              });
      values.put(name, parsed);
    }
    return new ParameterOverrides(values);
  }

  private static Object parse(String name, String value) {
    try {
      return switch (name) {
        case "max_tokens" -> Integer.parseInt(value);
        case "temperature", "top_p" -> finite(Double.parseDouble(value));
        case "seed" -> Long.parseLong(value);
        case "stop" ->
            Arrays.stream(value.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
        case "tool_choice" -> value;
        default ->
            throw new IllegalArgumentException(
                "--set " + name + ": unknown parameter; use one of " + NAMES);
      };
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("--set " + name + "=" + value + ": not a number");
    }
  }

  /** JSON, and so the JSON ingress, has no NaN or infinity. */
  private static double finite(double d) {
    if (!Double.isFinite(d)) {
      throw new NumberFormatException();
    }
    return d;
  }

  /**
   * What the router's validation finds wrong with {@code parameters} once these overrides are in
   * place, or empty.
   */
  public Optional<String> problemFor(Parameters parameters, RequestValidator validator) {
    return validator.parameterProblem(applyTo(parameters));
  }

  public boolean isEmpty() {
    return values.isEmpty();
  }

  /** The parameters with the overrides in place; {@code parameters} may be null (none were set). */
  @SuppressWarnings("unchecked")
  public Parameters applyTo(Parameters parameters) {
    Parameters.Builder b =
        parameters == null ? Parameters.newBuilder() : Parameters.newBuilder(parameters);
    values.forEach(
        (name, value) -> {
          switch (name) {
            case "max_tokens" -> b.setMaxTokens((Integer) value);
            case "temperature" -> b.setTemperature((Double) value);
            case "top_p" -> b.setTopP((Double) value);
            case "seed" -> b.setSeed((Long) value);
            case "stop" -> b.setStop((List<String>) value);
            case "tool_choice" -> b.setToolChoice((String) value);
            default -> throw new IllegalStateException(name);
          }
        });
    return b.build();
  }

  /** A JSON ingress body (an OpenAI chat-completions request) with the overrides in place. */
  @SuppressWarnings("unchecked")
  public ObjectNode applyTo(ObjectNode body) {
    ObjectNode copy = body.deepCopy();
    values.forEach(
        (name, value) -> {
          switch (value) {
            case Integer i -> copy.put(name, i);
            case Double d -> copy.put(name, d);
            case Long l -> copy.put(name, l);
            case List<?> list -> {
              var array = copy.putArray(name);
              ((List<String>) list).forEach(array::add);
            }
            default -> copy.put(name, value.toString());
          }
        });
    return copy;
  }

  @Override
  public String toString() {
    return values.entrySet().stream()
        .map(e -> e.getKey() + "=" + e.getValue())
        .collect(java.util.stream.Collectors.joining(", "));
  }
}
