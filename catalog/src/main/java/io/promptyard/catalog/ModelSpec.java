package io.promptyard.catalog;

import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * One model in the catalog.
 *
 * @param provider the provider's catalog name
 * @param id the model id as the provider knows it
 * @param aliases other names that resolve to this model (cheap, fast, smart, …)
 * @param contextWindow input plus output tokens the model accepts
 * @param maxOutputTokens the most output tokens it produces
 * @param cacheTtl how long the workers cache this model's answers when a request sets no TTL; null
 *     for the workers' default
 * @param paramRules the request parameters the model takes, and how ({@link ParamRules#NONE} or
 *     null: all)
 */
public record ModelSpec(
    String provider,
    String id,
    List<String> aliases,
    int contextWindow,
    int maxOutputTokens,
    Set<Capability> capabilities,
    Prices prices,
    java.time.Duration cacheTtl,
    ParamRules paramRules) {

  public ModelSpec {
    Objects.requireNonNull(provider, "provider");
    Objects.requireNonNull(id, "id");
    aliases = List.copyOf(aliases);
    capabilities = Set.copyOf(capabilities);
    Objects.requireNonNull(prices, "prices");
    if (cacheTtl != null && (cacheTtl.isNegative() || cacheTtl.isZero())) {
      throw new IllegalArgumentException("cacheTtlSeconds must be positive");
    }
    paramRules = paramRules == null ? ParamRules.NONE : paramRules;
  }

  /** {@code provider/id}. */
  public String qualifiedName() {
    return provider + "/" + id;
  }

  /** The rules {@code p} breaks on this model; empty when it breaks none. */
  public List<ParamRules.Violation> paramViolations(io.promptyard.schemas.Parameters p) {
    return paramRules.violations(p, qualifiedName());
  }

  public boolean has(Capability capability) {
    return capabilities.contains(capability);
  }
}
