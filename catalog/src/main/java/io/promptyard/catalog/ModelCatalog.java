package io.promptyard.catalog;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.promptyard.schemas.config.ConfigException;
import io.promptyard.schemas.config.ConfigKey;
import io.promptyard.schemas.config.Settings;
import java.io.IOException;
import java.io.InputStream;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Predicate;

/**
 * The providers and models Promptyard may route to, with capabilities and prices, read once from a
 * YAML catalog file and immutable afterwards.
 */
public final class ModelCatalog {

  /** The catalog bundled with Promptyard. */
  public static final String BUNDLED = "/catalog/models.yaml";

  /** The key of the catalog file, shared by every service that reads a catalog. */
  public static final ConfigKey FILE =
      new ConfigKey(
          "PROMPTYARD_CATALOG",
          null,
          "path of the model catalog YAML file; the bundled catalog when unset");

  private final Map<String, ProviderSpec> providers;
  private final List<ModelSpec> models;

  /**
   * Each provider's models by id, the first of the list for an id: {@link #find} runs for every
   * model a routed request may run on (the budget gate prices each), so it is a lookup, not a scan.
   */
  private final Map<String, Map<String, ModelSpec>> byProviderAndId;

  public ModelCatalog(Collection<ProviderSpec> providers, Collection<ModelSpec> models) {
    Map<String, ProviderSpec> byName = new LinkedHashMap<>();
    providers.forEach(p -> byName.put(p.name(), p));
    this.providers = Map.copyOf(byName);
    this.models = List.copyOf(models);
    Map<String, Map<String, ModelSpec>> index = new HashMap<>();
    for (ModelSpec m : this.models) {
      index.computeIfAbsent(m.provider(), p -> new HashMap<>()).putIfAbsent(m.id(), m);
    }
    this.byProviderAndId = index;
    for (ModelSpec m : this.models) {
      if (!byName.containsKey(m.provider())) {
        throw new CatalogException(
            "model "
                + m.qualifiedName()
                + " names provider '"
                + m.provider()
                + "', which the catalog does not define");
      }
    }
  }

  /** The catalog bundled in the catalog jar. */
  public static ModelCatalog bundled() {
    try (InputStream in = ModelCatalog.class.getResourceAsStream(BUNDLED)) {
      if (in == null) {
        throw new CatalogException("bundled catalog " + BUNDLED + " is missing from the classpath");
      }
      return parse(in.readAllBytes(), "bundled " + BUNDLED);
    } catch (IOException e) {
      throw new CatalogException("cannot read bundled catalog " + BUNDLED, e);
    }
  }

  /** The catalog file named by {@link #FILE} in {@code settings}, or the bundled catalog. */
  public static ModelCatalog from(Settings settings) {
    return settings.get(FILE).map(p -> load(Path.of(p))).orElseGet(ModelCatalog::bundled);
  }

  /** Reads a catalog file. */
  public static ModelCatalog load(Path file) {
    try {
      return parse(Files.readAllBytes(file), file.toString());
    } catch (IOException e) {
      throw new CatalogException("cannot read model catalog " + file + ": " + e.getMessage(), e);
    }
  }

  static ModelCatalog parse(byte[] yaml, String source) {
    JsonNode root;
    try {
      root = new ObjectMapper(new YAMLFactory()).readTree(yaml);
    } catch (IOException e) {
      throw new CatalogException(
          "model catalog " + source + " is not valid YAML: " + e.getMessage(), e);
    }
    if (root == null || !root.path("models").isArray() || !root.path("providers").isObject()) {
      throw new CatalogException(
          "model catalog " + source + " needs a 'providers' map and a 'models' list");
    }
    List<ProviderSpec> providers = new ArrayList<>();
    root.path("providers")
        .properties()
        .forEach(e -> providers.add(provider(e.getKey(), e.getValue(), source)));
    LocalDate defaultReadOn = date(root.path("pricesReadOn"), null, source + " pricesReadOn");
    List<ModelSpec> models = new ArrayList<>();
    for (JsonNode m : root.path("models")) {
      models.add(model(m, defaultReadOn, source));
    }
    return new ModelCatalog(providers, models);
  }

  private static ProviderSpec provider(String name, JsonNode p, String source) {
    String where = source + " providers." + name;
    List<String> envs = new ArrayList<>();
    JsonNode env = p.path("apiKeyEnv");
    if (env.isTextual()) {
      envs.add(env.asText());
    } else {
      env.forEach(e -> envs.add(e.asText()));
    }
    Map<String, String> options = new LinkedHashMap<>();
    JsonNode opts = p.path("options");
    if (!opts.isMissingNode() && !opts.isObject()) {
      throw new CatalogException(where + ": 'options' must be a map of strings");
    }
    opts.properties().forEach(e -> options.put(e.getKey(), optionText(e.getValue())));
    ProviderSpec spec =
        new ProviderSpec(
            name,
            required(p, "type", where),
            required(p, "baseUrl", where),
            envs,
            p.path("apiKeyFile").isTextual() ? p.path("apiKeyFile").asText() : null,
            p.path("keyRequired").asBoolean(true),
            options);
    try {
      spec.imageUrls();
    } catch (IllegalArgumentException e) {
      throw new CatalogException(where + ": " + e.getMessage());
    }
    return spec;
  }

  /** An option's value as a string; a YAML list (of image URL prefixes) becomes comma-separated. */
  private static String optionText(JsonNode value) {
    if (!value.isArray()) {
      return value.asText();
    }
    List<String> items = new ArrayList<>();
    value.forEach(v -> items.add(v.asText()));
    return String.join(",", items);
  }

  private static ModelSpec model(JsonNode m, LocalDate defaultReadOn, String source) {
    String where =
        source + " model " + m.path("provider").asText("?") + "/" + m.path("id").asText("?");
    List<String> aliases = new ArrayList<>();
    m.path("aliases").forEach(a -> aliases.add(a.asText()));
    Set<Capability> caps = EnumSet.noneOf(Capability.class);
    try {
      m.path("capabilities").forEach(c -> caps.add(Capability.parse(c.asText())));
    } catch (IllegalArgumentException e) {
      throw new CatalogException(where + ": " + e.getMessage());
    }
    JsonNode prices = m.path("prices");
    try {
      Prices p =
          new Prices(
              micros(prices, "input", where),
              micros(prices, "cachedInput", where),
              micros(prices, "output", where),
              date(prices.path("readOn"), defaultReadOn, where + " prices.readOn"));
      int context = positive(m, "contextWindow", where);
      int maxOut = positive(m, "maxOutputTokens", where);
      java.time.Duration cacheTtl =
          m.has("cacheTtlSeconds")
              ? java.time.Duration.ofSeconds(positive(m, "cacheTtlSeconds", where))
              : null;
      return new ModelSpec(
          required(m, "provider", where),
          required(m, "id", where),
          aliases,
          context,
          maxOut,
          caps,
          p,
          cacheTtl,
          paramRules(m.path("params"), where));
    } catch (IllegalArgumentException e) {
      throw new CatalogException(where + ": " + e.getMessage());
    }
  }

  private static final Set<String> RULE_KINDS =
      Set.of("ranges", "exclusive", "defaultOnly", "unsupported");

  /**
   * A model's {@code params:} map: {@code ranges} (parameter to {@code [min, max]}), {@code
   * exclusive} (lists of parameters not taken together), {@code defaultOnly} (parameter to the only
   * value taken), {@code unsupported} (parameters not taken); each optional.
   *
   * @throws IllegalArgumentException for any other key, an unknown parameter or a malformed value
   */
  private static ParamRules paramRules(JsonNode rules, String where) {
    if (rules.isMissingNode() || rules.isNull()) {
      return ParamRules.NONE;
    }
    if (!rules.isObject()) {
      throw new IllegalArgumentException("'params' must be a map of " + new TreeSet<>(RULE_KINDS));
    }
    rules
        .fieldNames()
        .forEachRemaining(
            k -> {
              if (!RULE_KINDS.contains(k)) {
                throw new IllegalArgumentException(
                    "params." + k + " is not a rule (known: " + new TreeSet<>(RULE_KINDS) + ")");
              }
            });
    Map<ParamRules.Param, ParamRules.Range> ranges =
        new java.util.EnumMap<>(ParamRules.Param.class);
    for (Map.Entry<String, JsonNode> e : objectOf(rules, "ranges").properties()) {
      JsonNode r = e.getValue();
      if (!r.isArray() || r.size() != 2 || !r.get(0).isNumber() || !r.get(1).isNumber()) {
        throw new IllegalArgumentException(
            "params.ranges." + e.getKey() + " must be [min, max], two numbers");
      }
      ranges.put(
          ParamRules.Param.parse(e.getKey()),
          new ParamRules.Range(r.get(0).asDouble(), r.get(1).asDouble()));
    }
    Map<ParamRules.Param, Double> defaults = new java.util.EnumMap<>(ParamRules.Param.class);
    for (Map.Entry<String, JsonNode> e : objectOf(rules, "defaultOnly").properties()) {
      if (!e.getValue().isNumber()) {
        throw new IllegalArgumentException(
            "params.defaultOnly." + e.getKey() + " must be the parameter's default, a number");
      }
      defaults.put(ParamRules.Param.parse(e.getKey()), e.getValue().asDouble());
    }
    List<List<ParamRules.Param>> exclusive = new ArrayList<>();
    for (JsonNode group : arrayOf(rules, "exclusive")) {
      if (!group.isArray()) {
        throw new IllegalArgumentException(
            "params.exclusive must be a list of lists of parameters, like [[temperature, top_p]]");
      }
      exclusive.add(params(group));
    }
    return new ParamRules(
        ranges, exclusive, defaults, Set.copyOf(params(arrayOf(rules, "unsupported"))));
  }

  private static JsonNode objectOf(JsonNode rules, String kind) {
    JsonNode v = rules.path(kind);
    if (!v.isMissingNode() && !v.isObject()) {
      throw new IllegalArgumentException("params." + kind + " must be a map by parameter name");
    }
    return v;
  }

  private static JsonNode arrayOf(JsonNode rules, String kind) {
    JsonNode v = rules.path(kind);
    if (!v.isMissingNode() && !v.isArray()) {
      throw new IllegalArgumentException("params." + kind + " must be a list");
    }
    return v;
  }

  private static List<ParamRules.Param> params(JsonNode names) {
    List<ParamRules.Param> list = new ArrayList<>();
    names.forEach(n -> list.add(ParamRules.Param.parse(n.asText())));
    return list;
  }

  private static long micros(JsonNode prices, String field, String where) {
    JsonNode v = prices.path(field);
    if (!v.isNumber() && !v.isTextual()) {
      throw new CatalogException(
          where + ": prices." + field + " (dollars per million tokens) is required");
    }
    return Prices.dollarsToMicros(new BigDecimal(v.asText()));
  }

  private static int positive(JsonNode node, String field, String where) {
    int v = node.path(field).asInt(0);
    if (v <= 0) {
      throw new CatalogException(where + ": " + field + " must be a positive integer");
    }
    return v;
  }

  private static String required(JsonNode node, String field, String where) {
    JsonNode v = node.path(field);
    if (!v.isTextual() || v.asText().isBlank()) {
      throw new CatalogException(where + ": '" + field + "' is required");
    }
    return v.asText();
  }

  private static LocalDate date(JsonNode v, LocalDate fallback, String where) {
    if (v.isMissingNode() || v.isNull()) {
      if (fallback == null && where.endsWith("prices.readOn")) {
        throw new CatalogException(
            where + " is required (the day the prices were read from the provider's page)");
      }
      return fallback;
    }
    try {
      return LocalDate.parse(v.asText());
    } catch (DateTimeParseException e) {
      throw new CatalogException(where + " '" + v.asText() + "' is not a date like 2026-11-01");
    }
  }

  public Collection<ProviderSpec> providers() {
    return providers.values();
  }

  public Optional<ProviderSpec> provider(String name) {
    return Optional.ofNullable(providers.get(name));
  }

  /**
   * The providers {@code key} names in {@code settings}, comma-separated; empty when it is unset.
   *
   * @throws ConfigException when it names a provider this catalog does not define
   */
  public Optional<List<String>> providersNamed(Settings settings, ConfigKey key) {
    Optional<List<String>> names = settings.list(key);
    for (String name : names.orElse(List.of())) {
      if (!providers.containsKey(name)) {
        throw new ConfigException(
            key.name()
                + " names '"
                + name
                + "', which the catalog does not define (known: "
                + new TreeSet<>(providers.keySet())
                + ")");
      }
    }
    return names;
  }

  public List<ModelSpec> models() {
    return models;
  }

  /**
   * The models a request's model field may mean: a concrete {@code provider/model}, a model id
   * offered by one or more providers, or an alias. Empty when nothing matches.
   */
  public List<ModelSpec> resolve(String name) {
    int slash = name.indexOf('/');
    if (slash > 0 && providers.containsKey(name.substring(0, slash))) {
      String provider = name.substring(0, slash);
      String id = name.substring(slash + 1);
      return matching(m -> m.provider().equals(provider) && m.id().equals(id));
    }
    List<ModelSpec> byId = matching(m -> m.id().equals(name));
    return byId.isEmpty() ? matching(m -> m.aliases().contains(name)) : byId;
  }

  /** Finds a model by provider and id. */
  public Optional<ModelSpec> find(String provider, String id) {
    Map<String, ModelSpec> ofProvider = byProviderAndId.get(provider);
    return ofProvider == null ? Optional.empty() : Optional.ofNullable(ofProvider.get(id));
  }

  /** A catalog that keeps only the given providers and their models. */
  public ModelCatalog restrictTo(Predicate<ProviderSpec> keep) {
    List<ProviderSpec> kept = providers.values().stream().filter(keep).toList();
    Set<String> names = new java.util.HashSet<>();
    kept.forEach(p -> names.add(p.name()));
    return new ModelCatalog(
        kept, models.stream().filter(m -> names.contains(m.provider())).toList());
  }

  /**
   * A catalog with one provider's base URL replaced (dev and tests point providers at local
   * servers).
   */
  public ModelCatalog withBaseUrl(String provider, String baseUrl) {
    List<ProviderSpec> changed =
        providers.values().stream()
            .map(p -> p.name().equals(provider) ? p.withBaseUrl(baseUrl) : p)
            .toList();
    return new ModelCatalog(changed, models);
  }

  private List<ModelSpec> matching(Predicate<ModelSpec> p) {
    return models.stream().filter(p).toList();
  }
}
