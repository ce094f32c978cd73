package io.promptyard.catalog;

import io.promptyard.schemas.Parameters;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The request parameters one model takes, and how, as its provider documents them: a range per
 * parameter, groups of parameters it refuses together, parameters it takes only at their default,
 * parameters it does not take at all. The router and the workers apply them before any call: a
 * request that breaks a rule is sent elsewhere, adapted by dropping what the model cannot take
 * (when the request allows, LiteLLM's {@code drop_params}), or refused naming the parameter and the
 * model.
 *
 * @param ranges the closed range each parameter's value must lie in
 * @param exclusive groups of parameters the model refuses together; dropping keeps the first set
 * @param defaultOnly parameters the model takes only at their default value (given here)
 * @param unsupported parameters the model refuses whatever their value
 */
public record ParamRules(
    Map<Param, Range> ranges,
    List<List<Param>> exclusive,
    Map<Param, Double> defaultOnly,
    Set<Param> unsupported) {

  /** No rules: the model takes every parameter Promptyard carries. */
  public static final ParamRules NONE = new ParamRules(Map.of(), List.of(), Map.of(), Set.of());

  public ParamRules {
    ranges = Map.copyOf(ranges);
    exclusive = exclusive.stream().map(List::copyOf).toList();
    defaultOnly = Map.copyOf(defaultOnly);
    unsupported = unsupported.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(unsupported));
    for (List<Param> group : exclusive) {
      if (group.size() < 2 || Set.copyOf(group).size() != group.size()) {
        throw new IllegalArgumentException(
            "an exclusive group needs two or more different parameters, not " + names(group));
      }
    }
  }

  /** The parameters a rule is about, in the spelling of OpenAI's chat-completions API. */
  public enum Param {
    TEMPERATURE("temperature"),
    TOP_P("top_p"),
    SEED("seed"),
    STOP("stop");

    private final String wire;

    Param(String wire) {
      this.wire = wire;
    }

    /** The parameter's name in a request body, {@code top_p} say. */
    public String wire() {
      return wire;
    }

    /** The parameter with this request-body name. */
    public static Param parse(String name) {
      for (Param p : values()) {
        if (p.wire.equals(name)) {
          return p;
        }
      }
      throw new IllegalArgumentException(
          "'"
              + name
              + "' is not a parameter a rule can name (known: "
              + String.join(", ", List.of(values()).stream().map(Param::wire).toList())
              + ")");
    }

    boolean isSet(Parameters p) {
      return switch (this) {
        case TEMPERATURE -> p.getTemperature() != null;
        case TOP_P -> p.getTopP() != null;
        case SEED -> p.getSeed() != null;
        case STOP -> p.getStop() != null && !p.getStop().isEmpty();
      };
    }

    /** The value as a number; null when it is not set or not a number. */
    Double number(Parameters p) {
      return switch (this) {
        case TEMPERATURE -> p.getTemperature();
        case TOP_P -> p.getTopP();
        case SEED -> p.getSeed() == null ? null : p.getSeed().doubleValue();
        case STOP -> null;
      };
    }

    void clear(Parameters.Builder b) {
      switch (this) {
        case TEMPERATURE -> b.setTemperature(null);
        case TOP_P -> b.setTopP(null);
        case SEED -> b.setSeed(null);
        case STOP -> b.setStop(List.of());
      }
    }
  }

  /** A closed range of values. */
  public record Range(double min, double max) {
    public Range {
      if (!(min <= max)) {
        throw new IllegalArgumentException("a range needs min <= max, not " + min + ".." + max);
      }
    }

    boolean contains(double v) {
      return v >= min && v <= max;
    }

    @Override
    public String toString() {
      return text(min) + ".." + text(max);
    }
  }

  /**
   * One rule a request breaks.
   *
   * @param param the parameter dropping which would satisfy the rule
   * @param message what is wrong, naming the parameter and the model
   */
  public record Violation(Param param, String message) {}

  /**
   * A request's parameters adapted to a model.
   *
   * @param parameters the parameters without the dropped ones
   * @param broken the rules that made each dropped parameter go
   */
  public record Adapted(Parameters parameters, List<Violation> broken) {

    /** The dropped parameters' names, in request-body spelling. */
    public List<String> dropped() {
      return broken.stream().map(v -> v.param().wire()).toList();
    }

    /** What was dropped and why, for a routing reason: {@code drop_params dropped top_p: …}. */
    public String note() {
      return "drop_params dropped "
          + String.join(", ", dropped())
          + ": "
          + String.join("; ", broken.stream().map(Violation::message).toList());
    }
  }

  /** Whether there is any rule. */
  public boolean isEmpty() {
    return ranges.isEmpty()
        && exclusive.isEmpty()
        && defaultOnly.isEmpty()
        && unsupported.isEmpty();
  }

  /**
   * The rules {@code p} breaks for {@code model} (a {@code provider/id}, for the messages); empty
   * when it breaks none. A parameter is named once; a group of exclusive parameters is judged after
   * the other rules' parameters are dropped, so that dropping every named parameter satisfies every
   * rule and drops no more than that.
   */
  public List<Violation> violations(Parameters p, String model) {
    if (p == null || isEmpty()) {
      return List.of();
    }
    List<Violation> found = new ArrayList<>();
    Set<Param> named = EnumSet.noneOf(Param.class);
    for (Param param : Param.values()) {
      if (!param.isSet(p)) {
        continue;
      }
      String why = single(param, p, model);
      if (why != null) {
        found.add(new Violation(param, why));
        named.add(param);
      }
    }
    for (List<Param> group : exclusive) {
      List<Param> set = group.stream().filter(q -> q.isSet(p) && !named.contains(q)).toList();
      for (Param extra : set.subList(Math.min(1, set.size()), set.size())) {
        found.add(new Violation(extra, model + " does not take " + names(set) + " together"));
        named.add(extra);
      }
    }
    return found;
  }

  /**
   * {@code p} without the parameters that break these rules for {@code model}; {@code p} itself
   * when it breaks none.
   */
  public Adapted adapt(Parameters p, String model) {
    List<Violation> broken = violations(p, model);
    if (broken.isEmpty()) {
      return new Adapted(p, List.of());
    }
    Parameters.Builder b = Parameters.newBuilder(p);
    broken.forEach(v -> v.param().clear(b));
    return new Adapted(b.build(), broken);
  }

  /** Why {@code param}'s value alone breaks a rule, or null when it does not. */
  private String single(Param param, Parameters p, String model) {
    if (unsupported.contains(param)) {
      return model + " does not take " + param.wire();
    }
    Double value = param.number(p);
    Double only = defaultOnly.get(param);
    if (only != null && !only.equals(value)) {
      return model
          + " takes "
          + param.wire()
          + " only at its default "
          + text(only)
          + ", not "
          + (value == null ? "a set value" : text(value));
    }
    Range range = ranges.get(param);
    if (range != null && value != null && !range.contains(value)) {
      return param.wire() + " " + text(value) + " is outside " + model + "'s range " + range;
    }
    return null;
  }

  private static String text(double v) {
    return BigDecimal.valueOf(v).stripTrailingZeros().toPlainString();
  }

  private static String names(List<Param> params) {
    return String.join(" and ", params.stream().map(Param::wire).toList());
  }
}
