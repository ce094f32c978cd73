package io.promptyard.router;

import io.promptyard.schemas.CacheMode;
import io.promptyard.schemas.CachePolicy;
import io.promptyard.schemas.CacheScope;
import io.promptyard.schemas.CompletionRequest;
import io.promptyard.schemas.ContentPart;
import io.promptyard.schemas.Message;
import io.promptyard.schemas.Parameters;
import io.promptyard.schemas.Priority;
import io.promptyard.schemas.ResponseFormat;
import io.promptyard.schemas.Role;
import io.promptyard.schemas.RoutingHints;
import io.promptyard.schemas.RoutingStrategy;
import io.promptyard.schemas.TemplateRef;
import io.promptyard.schemas.ToolCall;
import io.promptyard.schemas.ToolDefinition;
import io.promptyard.schemas.serde.AvroSerde;
import io.promptyard.testkit.hostile.HostileAvro;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;

/**
 * Avro {@code CompletionRequest} records as corruption or a hostile producer makes them: the
 * single-object encoding of a random, well-formed request (any field set or unset, values in range
 * or not), then mutated byte by byte ({@link Mutations}) or with a count or length of any size
 * written over a random position — where a length or count was, that is a length-field mutation.
 */
final class HostileAvroRecords {

  private static final AvroSerde<CompletionRequest> SERDE = AvroSerde.of(CompletionRequest.class);
  private static final long[] COUNTS = {
    0,
    1,
    -1,
    127,
    128,
    100_000,
    100_001,
    1L << 24,
    1L << 30,
    1L << 31,
    -(1L << 31),
    Integer.MAX_VALUE,
    Long.MAX_VALUE,
    Long.MIN_VALUE
  };

  /**
   * What byte-level mutations insert: counts and lengths of every size, and another record's
   * header.
   */
  private static final List<byte[]> TOKENS =
      Stream.concat(
              java.util.Arrays.stream(COUNTS).mapToObj(HostileAvro::varint),
              Stream.of(new byte[] {(byte) 0xC3, 0x01}, new byte[] {0}))
          .toList();

  private HostileAvroRecords() {}

  /** A mutated encoding of a random request: byte mutations, a length-field mutation, or both. */
  static byte[] record(Random random) {
    byte[] valid = SERDE.encode(request(random));
    return switch (random.nextInt(3)) {
      case 0 -> Mutations.mutate(random, valid, TOKENS);
      case 1 -> lengthMutation(random, valid);
      default -> Mutations.mutate(random, lengthMutation(random, valid), TOKENS);
    };
  }

  /** A count or length of any size written over the bytes at a random position after the header. */
  private static byte[] lengthMutation(Random random, byte[] valid) {
    if (valid.length <= 10) {
      return valid;
    }
    long count =
        random.nextBoolean()
            ? COUNTS[random.nextInt(COUNTS.length)]
            : random.nextLong() >> random.nextInt(64);
    return Mutations.overwrite(
        valid, 10 + random.nextInt(valid.length - 10), HostileAvro.varint(count));
  }

  /** A well-formed request; its values may well be out of range (the router rejects those). */
  static CompletionRequest request(Random random) {
    CompletionRequest.Builder b =
        CompletionRequest.newBuilder()
            .setId("avro-" + Long.toHexString(random.nextLong()))
            .setTeam(HostileJson.chance(random, 0.9) ? "team-" + random.nextInt(3) : "")
            .setModel(
                HostileJson.pick(
                    random,
                    List.of("cheap", "smart", "fast", "alpha/a-mini", "beta/b-vision", "nope", "")))
            .setMessages(messages(random))
            .setStream(random.nextBoolean());
    if (HostileJson.chance(random, 0.3)) {
      Map<String, String> tags = new HashMap<>();
      tags.put("env", "fuzz");
      tags.put("k" + random.nextInt(5), "v");
      b.setTags(tags);
    }
    if (HostileJson.chance(random, 0.5)) {
      b.setParameters(parameters(random));
    }
    if (HostileJson.chance(random, 0.4)) {
      b.setRouting(
          RoutingHints.newBuilder()
              .setRequiredCapabilities(
                  random.nextBoolean() ? List.of("vision") : List.of("tools", "telepathy"))
              .setPreferredProviders(List.of("beta"))
              .setExcludedProviders(random.nextBoolean() ? List.of() : List.of("alpha"))
              .setMaxCostMicros(
                  random.nextBoolean() ? null : random.nextLong() >> random.nextInt(64))
              .setPriority(random.nextBoolean() ? Priority.INTERACTIVE : Priority.BATCH)
              .setStrategy(
                  random.nextBoolean()
                      ? null
                      : RoutingStrategy.values()[random.nextInt(RoutingStrategy.values().length)])
              .setAllowDowngrade(random.nextBoolean())
              .setPinnedModel(random.nextBoolean() ? null : "gamma/g-mini")
              .build());
    }
    if (HostileJson.chance(random, 0.2)) {
      b.setCache(
          new CachePolicy(
              CacheMode.values()[random.nextInt(CacheMode.values().length)],
              random.nextLong(),
              CacheScope.values()[random.nextInt(CacheScope.values().length)],
              random.nextBoolean() ? null : random.nextDouble() * 4 - 1));
    }
    if (HostileJson.chance(random, 0.2)) {
      b.setDeadline(Instant.ofEpochMilli(random.nextLong() >> random.nextInt(20)));
    }
    if (HostileJson.chance(random, 0.1)) {
      b.setTemplate(
          new TemplateRef(
              random.nextBoolean() ? "echo" : "spin", null, Map.of("x", "1", "docs", "[1,2]")));
    }
    return b.build();
  }

  private static List<Message> messages(Random random) {
    List<Message> messages = new ArrayList<>();
    int n = random.nextInt(4);
    for (int i = 0; i < n; i++) {
      Message.Builder m =
          Message.newBuilder().setRole(Role.values()[random.nextInt(Role.values().length)]);
      switch (random.nextInt(3)) {
        case 0 -> m.setText("Say hello " + random.nextInt(1000));
        case 1 ->
            m.setParts(
                List.of(
                    new ContentPart("text", "part", null, null),
                    new ContentPart(
                        "image_url",
                        null,
                        "https://example.com/" + random.nextInt(9) + ".png",
                        "low")));
        default ->
            m.setToolCalls(
                List.of(new ToolCall("call_" + i, "get_weather", "{\"city\":\"Oslo\"}")));
      }
      messages.add(m.build());
    }
    return messages;
  }

  private static Parameters parameters(Random random) {
    return Parameters.newBuilder()
        .setTemperature(random.nextBoolean() ? null : random.nextDouble() * 4 - 1)
        .setTopP(random.nextBoolean() ? null : random.nextDouble() * 2 - 0.5)
        .setMaxTokens(random.nextBoolean() ? null : random.nextInt() >> random.nextInt(32))
        .setStop(
            random.nextBoolean()
                ? List.of()
                : List.of("a", "b", "c", "d", "e").subList(0, random.nextInt(6)))
        .setSeed(random.nextBoolean() ? null : random.nextLong())
        .setTools(
            random.nextBoolean()
                ? List.of()
                : List.of(new ToolDefinition("get_weather", null, "{\"type\":\"object\"}")))
        .setToolChoice(random.nextBoolean() ? null : "auto")
        .setResponseFormat(
            random.nextBoolean()
                ? null
                : new ResponseFormat(
                    random.nextBoolean() ? "json_schema" : "text",
                    "s",
                    "{\"type\":\"object\"}",
                    random.nextBoolean()))
        .build();
  }
}
