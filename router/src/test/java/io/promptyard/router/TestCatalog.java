package io.promptyard.router;

import io.promptyard.catalog.Capability;
import io.promptyard.catalog.ModelCatalog;
import io.promptyard.catalog.ModelSpec;
import io.promptyard.catalog.ParamRules;
import io.promptyard.catalog.Prices;
import io.promptyard.catalog.ProviderSpec;
import java.time.LocalDate;
import java.util.List;
import java.util.Set;

/**
 * A small catalog whose prices and capabilities make each routing rule visible:
 *
 * <pre>
 * model              aliases       context  max out  caps                         $/M in  $/M out
 * alpha/a-mini       cheap, fast   16000    4000     tools, streaming             0.10    0.40
 * alpha/a-large      smart         200000   16000    vision, tools, json_schema,  3.00    12.00
 *                                                    streaming
 * beta/b-mini        cheap, fast   32000    8000     tools, json_schema,          0.20    0.80
 *                                                    streaming
 * beta/b-vision      smart         128000   8000     vision, tools, streaming     2.00    8.00
 * gamma/g-mini       cheap         8000     2000     streaming                    0.05    0.20
 * </pre>
 */
public final class TestCatalog {

  private TestCatalog() {}

  public static ModelCatalog catalog() {
    List<ProviderSpec> providers =
        List.of("alpha", "beta", "gamma").stream()
            .map(
                p ->
                    new ProviderSpec(
                        p, "openai-compatible", "http://127.0.0.1:1/" + p, List.of(), null, false))
            .toList();
    return new ModelCatalog(
        providers,
        List.of(
            model(
                "alpha",
                "a-mini",
                List.of("cheap", "fast"),
                16_000,
                4_000,
                Set.of(Capability.TOOLS, Capability.STREAMING),
                "0.10",
                "0.40"),
            model(
                "alpha",
                "a-large",
                List.of("smart"),
                200_000,
                16_000,
                Set.of(Capability.values()),
                "3.00",
                "12.00"),
            model(
                "beta",
                "b-mini",
                List.of("cheap", "fast"),
                32_000,
                8_000,
                Set.of(Capability.TOOLS, Capability.JSON_SCHEMA, Capability.STREAMING),
                "0.20",
                "0.80"),
            model(
                "beta",
                "b-vision",
                List.of("smart"),
                128_000,
                8_000,
                Set.of(Capability.VISION, Capability.TOOLS, Capability.STREAMING),
                "2.00",
                "8.00"),
            model(
                "gamma",
                "g-mini",
                List.of("cheap"),
                8_000,
                2_000,
                Set.of(Capability.STREAMING),
                "0.05",
                "0.20")));
  }

  public static ModelSpec model(
      String provider,
      String id,
      List<String> aliases,
      int context,
      int maxOut,
      Set<Capability> caps,
      String input,
      String output) {
    long in = Prices.dollarsToMicros(new java.math.BigDecimal(input));
    return new ModelSpec(
        provider,
        id,
        aliases,
        context,
        maxOut,
        caps,
        new Prices(
            in,
            in / 2,
            Prices.dollarsToMicros(new java.math.BigDecimal(output)),
            LocalDate.of(2026, 11, 1)),
        null,
        ParamRules.NONE);
  }
}
