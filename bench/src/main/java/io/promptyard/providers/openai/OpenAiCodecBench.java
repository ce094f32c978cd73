package io.promptyard.providers.openai;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.promptyard.providers.ChatRequest;
import io.promptyard.providers.RateLimits;
import io.promptyard.providers.http.SseDecoder;
import io.promptyard.schemas.Message;
import io.promptyard.schemas.Parameters;
import io.promptyard.schemas.Role;
import io.promptyard.schemas.ToolDefinition;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;

/** The OpenAI adapter's codec: request body mapping and SSE stream parsing (lives in its package for access). */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class OpenAiCodecBench {

  private final ObjectMapper json = new ObjectMapper();
  private final RequestMapper mapper = new RequestMapper(json, Dialect.of("https://api.openai.com/v1"));
  private final ChatRequest request = new ChatRequest("bench-1", "gpt-4o-mini", List.of(
      Message.newBuilder().setRole(Role.SYSTEM).setText("You are a concise assistant for the search team.").build(),
      Message.newBuilder().setRole(Role.USER).setText("Explain how Kafka share groups acknowledge records, in three sentences.")
          .build()),
      Parameters.newBuilder().setTemperature(0.2).setMaxTokens(256).setTools(List.of(new ToolDefinition("get_weather",
          "Current weather", "{\"type\":\"object\",\"properties\":{\"city\":{\"type\":\"string\"}}}"))).build());
  private final List<String> streamLines = streamLines();

  @Benchmark
  public Object mapRequest() throws Exception {
    return json.writeValueAsBytes(mapper.body(request, false));
  }

  @Benchmark
  public Object parseStream() throws Exception {
    StreamAssembler assembler = new StreamAssembler(json, c -> { }, "gpt-4o-mini", RateLimits.UNKNOWN);
    SseDecoder sse = new SseDecoder();
    for (String line : streamLines) {
      String data = sse.line(line);
      if (data != null) {
        assembler.event(data);
      }
    }
    return assembler.response();
  }

  private static List<String> streamLines() {
    String head = "{\"id\":\"chatcmpl-1\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"gpt-4o-mini\",";
    java.util.ArrayList<String> lines = new java.util.ArrayList<>();
    for (int i = 0; i < 40; i++) {
      lines.add("data: " + head + "\"choices\":[{\"index\":0,\"delta\":{\"content\":\"token" + i + " \"},\"finish_reason\":null}]}");
      lines.add("");
    }
    lines.add("data: " + head + "\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}]}");
    lines.add("");
    lines.add("data: " + head + "\"choices\":[],\"usage\":{\"prompt_tokens\":30,\"completion_tokens\":40,\"total_tokens\":70}}");
    lines.add("");
    lines.add("data: [DONE]");
    lines.add("");
    return lines;
  }
}
