package io.promptyard.bench;

import io.promptyard.catalog.Capability;
import io.promptyard.catalog.ModelCatalog;
import io.promptyard.catalog.ModelSpec;
import io.promptyard.catalog.ParamRules;
import io.promptyard.catalog.Prices;
import io.promptyard.catalog.ProviderSpec;
import io.promptyard.router.SignalSnapshot;
import io.promptyard.router.routing.RoutingDefaults;
import io.promptyard.schemas.Budget;
import io.promptyard.schemas.CircuitState;
import io.promptyard.schemas.CompletionRequest;
import io.promptyard.schemas.ContentPart;
import io.promptyard.schemas.Message;
import io.promptyard.schemas.Parameters;
import io.promptyard.schemas.Priority;
import io.promptyard.schemas.ProviderHealth;
import io.promptyard.schemas.Role;
import io.promptyard.schemas.RoutingHints;
import io.promptyard.schemas.RoutingStrategy;
import io.promptyard.schemas.ToolDefinition;
import io.promptyard.schemas.serde.AvroSerde;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

/**
 * The router benchmark's world: a 50-model catalog (10 providers × 5 models; OpenAI-tokenized,
 * cl100k and calibrated ids; aliases cheap, fast and smart over 10 to 20 models each), health
 * reports for every provider and some models (one provider's circuit open), 50 team budgets (five
 * over the soft limit, one over the hard limit), and a pool of distinct requests in Avro and JSON
 * with a realistic mix of aliases, strategies, priorities, tools and images. Seeded, so every run
 * routes the same requests.
 */
final class RouterWorkload {

  static final Instant NOW = Instant.parse("2026-11-23T10:00:00Z");
  private static final String WORDS =
      "the of and to in is that for it as was with be by on not he this are or his from at "
          + "which but have an they you were her she there been one all we their has would when if so no what up out who "
          + "quarterly revenue summarise explain translate classify invoice customer ticket refund shipment forecast";

  final ModelCatalog catalog;
  final SignalSnapshot signals;
  final List<CompletionRequest> requests = new ArrayList<>();

  /** Each request as it arrives: Avro single-object bytes, or JSON ingress bytes. */
  final List<byte[]> encoded = new ArrayList<>();

  final List<Boolean> isJson = new ArrayList<>();

  RouterWorkload(int distinctRequests, long seed) {
    catalog = catalog(new Random(42));
    Random random = new Random(seed);
    signals = signals();
    String[] words = WORDS.split(" ");
    AvroSerde<CompletionRequest> avro = AvroSerde.of(CompletionRequest.class);
    for (int i = 0; i < distinctRequests; i++) {
      CompletionRequest r = request(seed + "-" + i, random, words);
      requests.add(r);
      boolean json = i % 2 == 1;
      isJson.add(json);
      encoded.add(json ? json(r) : avro.encode(r));
    }
  }

  static RoutingDefaults defaults() {
    return new RoutingDefaults(
        RoutingStrategy.CHEAPEST,
        Map.of("team-07", RoutingStrategy.LOWEST_LATENCY),
        Map.of("p00", 3, "p01", 2, "p04", 1, "p05", 1),
        Duration.ofMinutes(2));
  }

  private static ModelCatalog catalog(Random random) {
    List<ProviderSpec> providers = new ArrayList<>();
    List<ModelSpec> models = new ArrayList<>();
    for (int p = 0; p < 10; p++) {
      String provider = String.format("p%02d", p);
      providers.add(
          new ProviderSpec(
              provider,
              "openai-compatible",
              "http://127.0.0.1:1/" + provider,
              List.of(),
              null,
              false));
      for (int m = 0; m < 5; m++) {
        String id = p < 2 ? "gpt-4o-" + p + m : p == 2 ? "gpt-4-" + m : "model-" + p + "-" + m;
        List<String> aliases =
            switch (m) {
              case 0 -> List.of("cheap");
              case 1 -> List.of("cheap", "fast");
              case 2 -> List.of("fast");
              default -> List.of("smart");
            };
        Set<Capability> caps = EnumSet.of(Capability.STREAMING);
        if ((p + m) % 3 != 0) {
          caps.add(Capability.TOOLS);
        }
        if (m >= 2) {
          caps.add(Capability.VISION);
        }
        if (p % 3 != 0) {
          caps.add(Capability.JSON_SCHEMA);
        }
        long input = 20_000L + random.nextInt(5_000_000);
        models.add(
            new ModelSpec(
                provider,
                id,
                aliases,
                8_000 << (m + p % 3),
                4_000 << (m % 3),
                caps,
                new Prices(input, input / 4, input * 4, LocalDate.of(2026, 11, 1)),
                null,
                ParamRules.NONE));
      }
    }
    return new ModelCatalog(providers, models);
  }

  private SignalSnapshot signals() {
    Map<String, ProviderHealth> health = new HashMap<>();
    for (int p = 0; p < 10; p++) {
      String provider = String.format("p%02d", p);
      health.put(
          provider,
          ProviderHealth.newBuilder()
              .setKey(provider)
              .setProvider(provider)
              .setCircuitState(p == 3 ? CircuitState.OPEN : CircuitState.CLOSED)
              .setLatencyP50Millis(100 + p * 37L)
              .setLatencyP99Millis(900 + p * 91L)
              .setUpdatedAt(NOW.minusSeconds(5))
              .build());
    }
    for (ModelSpec m : catalog.models().subList(0, 12)) {
      health.put(
          m.qualifiedName(),
          ProviderHealth.newBuilder()
              .setKey(m.qualifiedName())
              .setProvider(m.provider())
              .setModel(m.id())
              .setCircuitState(CircuitState.CLOSED)
              .setLatencyP50Millis(80 + m.id().length() * 7L)
              .setLatencyP99Millis(700)
              .setRemainingTokens(5_000_000L)
              .setUpdatedAt(NOW.minusSeconds(3))
              .build());
    }
    Map<String, Budget> budgets = new HashMap<>();
    for (int t = 0; t < 50; t++) {
      String team = String.format("team-%02d", t);
      long spent = t < 5 ? 900_000_000L : t == 49 ? 1_200_000_000L : 100_000_000L * (t % 5);
      budgets.put(
          team,
          Budget.newBuilder()
              .setTeam(team)
              .setMonthlyLimitMicros(1_000_000_000L)
              .setSoftLimitMicros(800_000_000L)
              .setSpentThisMonthMicros(spent)
              .setUpdatedAt(NOW.minusSeconds(60))
              .build());
    }
    return new SignalSnapshot(health, budgets);
  }

  private CompletionRequest request(String i, Random random, String[] words) {
    int pick = random.nextInt(100);
    String model =
        pick < 40
            ? "cheap"
            : pick < 60
                ? "fast"
                : pick < 80
                    ? "smart"
                    : pick < 98
                        ? catalog.models().get(random.nextInt(50)).qualifiedName()
                        : "no-such-model";
    int s = random.nextInt(100);
    RoutingHints.Builder hints =
        RoutingHints.newBuilder()
            .setPriority(random.nextInt(5) == 0 ? Priority.INTERACTIVE : Priority.BATCH)
            .setStrategy(
                s < 60
                    ? null
                    : s < 80
                        ? RoutingStrategy.LOWEST_LATENCY
                        : s < 95 ? RoutingStrategy.WEIGHTED : null);
    if (s >= 95 && model.contains("/")) {
      hints.setPinnedModel(model);
    }
    StringBuilder prompt = new StringBuilder();
    int length = 50 + random.nextInt(1_950);
    while (prompt.length() < length) {
      prompt.append(words[random.nextInt(words.length)]).append(' ');
    }
    List<ContentPart> parts =
        random.nextInt(20) == 0
            ? List.of(
                ContentPart.newBuilder()
                    .setType("image_url")
                    .setImageUrl("https://example.com/" + i + ".png")
                    .build())
            : List.of();
    Parameters.Builder params =
        Parameters.newBuilder()
            .setMaxTokens(random.nextInt(4) == 0 ? null : 64 + random.nextInt(2_000));
    if (random.nextInt(10) < 3) {
      params.setTools(
          List.of(
              new ToolDefinition(
                  "lookup",
                  "finds an order",
                  "{\"type\":\"object\",\"properties\":{\"id\":{\"type\":\"string\"}}}")));
    }
    return CompletionRequest.newBuilder()
        .setId("bench-" + i)
        .setTeam(String.format("team-%02d", random.nextInt(50)))
        .setModel(model)
        .setMessages(
            List.of(
                Message.newBuilder()
                    .setRole(Role.SYSTEM)
                    .setText("You are a helpful assistant.")
                    .build(),
                Message.newBuilder()
                    .setRole(Role.USER)
                    .setText(prompt.toString())
                    .setParts(parts)
                    .build()))
        .setParameters(params.build())
        .setRouting(hints.build())
        .build();
  }

  /**
   * The same request in the JSON ingress format (text, tools and routing metadata; images as
   * parts).
   */
  private static byte[] json(CompletionRequest r) {
    var mapper = new com.fasterxml.jackson.databind.ObjectMapper();
    var body = mapper.createObjectNode();
    body.put("model", r.getModel());
    var messages = body.putArray("messages");
    for (Message m : r.getMessages()) {
      var msg =
          messages.addObject().put("role", m.getRole().name().toLowerCase(java.util.Locale.ROOT));
      if (m.getParts().isEmpty()) {
        msg.put("content", m.getText());
      } else {
        var content = msg.putArray("content");
        content.addObject().put("type", "text").put("text", m.getText());
        m.getParts()
            .forEach(
                p ->
                    content
                        .addObject()
                        .put("type", "image_url")
                        .putObject("image_url")
                        .put("url", p.getImageUrl()));
      }
    }
    if (r.getParameters().getMaxTokens() != null) {
      body.put("max_tokens", r.getParameters().getMaxTokens());
    }
    r.getParameters()
        .getTools()
        .forEach(
            t ->
                body.withArray("tools")
                    .addObject()
                    .put("type", "function")
                    .putObject("function")
                    .put("name", t.getName())
                    .put("description", t.getDescription()));
    var meta =
        body.putObject("metadata")
            .put("team", r.getTeam())
            .put("request_id", r.getId())
            .put(
                "priority", r.getRouting().getPriority().name().toLowerCase(java.util.Locale.ROOT));
    if (r.getRouting().getStrategy() != null) {
      meta.put("strategy", r.getRouting().getStrategy().name().toLowerCase(java.util.Locale.ROOT));
    }
    if (r.getRouting().getPinnedModel() != null) {
      meta.put("pinned_model", r.getRouting().getPinnedModel());
    }
    return body.toString().getBytes(StandardCharsets.UTF_8);
  }
}
