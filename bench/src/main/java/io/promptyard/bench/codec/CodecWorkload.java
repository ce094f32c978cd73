package io.promptyard.bench.codec;

import io.promptyard.catalog.ProviderSpec;
import io.promptyard.providers.ChatProviders;
import io.promptyard.providers.ChatRequest;
import io.promptyard.providers.http.HttpChatProvider;
import io.promptyard.providers.http.SseDecoder;
import io.promptyard.schemas.Message;
import io.promptyard.schemas.Parameters;
import io.promptyard.schemas.Role;
import io.promptyard.schemas.ToolDefinition;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.function.IntFunction;

/**
 * The same work for every adapter's codec benchmark: one realistic request to map, and a streamed
 * answer of {@link #DELTAS} text deltas to parse, written in each provider's own event format.
 */
public final class CodecWorkload {

  /** Text deltas in every benchmark stream. */
  public static final int DELTAS = 40;

  private CodecWorkload() {}

  /**
   * The adapter of catalog type {@code type} at {@code baseUrl}, without a key: its wire is
   * measured, never called.
   */
  public static HttpChatProvider provider(String type, String baseUrl) {
    return (HttpChatProvider)
        ChatProviders.create(
            new ProviderSpec(type, type, baseUrl, List.of(), null, false), Map.of());
  }

  /** A system prompt, a question, sampling parameters and one tool. */
  public static ChatRequest request(String model) {
    return new ChatRequest(
        "bench-1",
        model,
        List.of(
            Message.newBuilder()
                .setRole(Role.SYSTEM)
                .setText("You are a concise assistant for the search team.")
                .build(),
            Message.newBuilder()
                .setRole(Role.USER)
                .setText("Explain how Kafka share groups acknowledge records, in three sentences.")
                .build()),
        Parameters.newBuilder()
            .setTemperature(0.2)
            .setTopP(0.9)
            .setMaxTokens(256)
            .setStop(List.of("END"))
            .setTools(
                List.of(
                    new ToolDefinition(
                        "get_weather",
                        "Current weather for a city",
                        "{\"type\":\"object\",\"properties\":{\"city\":{\"type\":\"string\"}},\"required\":[\"city\"]}")))
            .build());
  }

  /**
   * An SSE body as lines: {@code head} events, then one event per delta built by {@code delta},
   * then {@code tail} events; each event is followed by its blank line.
   */
  public static List<String> sse(List<String> head, IntFunction<String> delta, List<String> tail) {
    List<String> lines = new ArrayList<>();
    head.forEach(e -> event(lines, e));
    for (int i = 0; i < DELTAS; i++) {
      event(lines, delta.apply(i));
    }
    tail.forEach(e -> event(lines, e));
    return lines;
  }

  private static void event(List<String> lines, String event) {
    lines.addAll(event.lines().toList());
    lines.add("");
  }

  /** The consumer of one decoded event's data. */
  @FunctionalInterface
  public interface EventSink {
    void event(String data) throws Exception;
  }

  /**
   * Decodes the lines as SSE and hands each event's data to {@code sink}, as an adapter does while
   * streaming.
   */
  public static void replay(List<String> lines, EventSink sink) throws Exception {
    Iterator<String> each = lines.iterator();
    SseDecoder.<Exception>decode(() -> each.hasNext() ? each.next() : null, sink::event);
  }
}
