package io.promptyard.router;

import io.promptyard.providers.catalog.ModelCatalog;
import io.promptyard.providers.catalog.ProviderSpec;
import io.promptyard.schemas.config.CommonConfig;
import io.promptyard.schemas.config.ConfigException;
import io.promptyard.schemas.config.ConfigKey;
import io.promptyard.schemas.config.Settings;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The router's configuration, parsed once at start-up.
 *
 * @param common Kafka and topic settings
 * @param catalog the models it may route to, restricted to the enabled providers
 * @param applicationId the Kafka Streams application id (consumer group and transactional id prefix)
 */
public record RouterConfig(CommonConfig common, ModelCatalog catalog, String applicationId) {

  public static final ConfigKey CATALOG =
      new ConfigKey("PROMPTYARD_CATALOG", null, "path of the model catalog YAML file; the bundled catalog when unset");
  public static final ConfigKey PROVIDERS =
      new ConfigKey("PROMPTYARD_PROVIDERS", null, "comma-separated providers the router may route to; all in the catalog when unset");
  public static final ConfigKey APPLICATION_ID =
      new ConfigKey("PROMPTYARD_ROUTER_APPLICATION_ID", "promptyard-router", "Kafka Streams application id of the router");

  /** The router's own keys; {@link CommonConfig#KEYS} apply too. */
  public static final List<ConfigKey> KEYS = List.of(CATALOG, PROVIDERS, APPLICATION_ID);

  public static RouterConfig from(Settings s) {
    ModelCatalog catalog = s.get(CATALOG).map(p -> ModelCatalog.load(Path.of(p))).orElseGet(ModelCatalog::bundled);
    return new RouterConfig(CommonConfig.from(s), enabled(catalog, s), s.require(APPLICATION_ID));
  }

  /** Keeps the providers named in {@link #PROVIDERS}, failing on a name the catalog does not know. */
  public static ModelCatalog enabled(ModelCatalog catalog, Settings s) {
    if (s.get(PROVIDERS).isEmpty()) {
      return catalog;
    }
    Set<String> names = Arrays.stream(s.get(PROVIDERS).get().split(",")).map(String::trim).filter(n -> !n.isEmpty())
        .collect(Collectors.toSet());
    Set<String> known = catalog.providers().stream().map(ProviderSpec::name).collect(Collectors.toSet());
    for (String n : names) {
      if (!known.contains(n)) {
        throw new ConfigException(PROVIDERS.name() + " names '" + n + "', which the catalog does not define (known: " + known + ")");
      }
    }
    return catalog.restrictTo(p -> names.contains(p.name()));
  }
}
