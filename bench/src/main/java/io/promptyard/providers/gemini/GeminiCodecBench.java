package io.promptyard.providers.gemini;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.promptyard.bench.codec.CodecWorkload;
import io.promptyard.providers.ChatRequest;
import io.promptyard.providers.RateLimits;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;

/** The Gemini adapter's codec: generateContent request mapping and streamGenerateContent SSE parsing. */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class GeminiCodecBench {

  private final ObjectMapper json = new ObjectMapper();
  private final GeminiRequestMapper mapper = new GeminiRequestMapper(json);
  private final GeminiResponseMapper responses = new GeminiResponseMapper(json);
  private final ChatRequest request = CodecWorkload.request("gemini-3.5-flash");
  private final List<String> stream = CodecWorkload.sse(List.of(),
      i -> "data: {\"candidates\":[{\"content\":{\"parts\":[{\"text\":\"token" + i + " \"}],\"role\":\"model\"},\"index\":0}],"
          + "\"usageMetadata\":{\"promptTokenCount\":30,\"candidatesTokenCount\":" + (i + 1) + ",\"totalTokenCount\":" + (31 + i) + "},"
          + "\"modelVersion\":\"gemini-3.5-flash\"}",
      List.of("data: {\"candidates\":[{\"content\":{\"parts\":[{\"text\":\"\"}],\"role\":\"model\"},\"finishReason\":\"STOP\","
          + "\"index\":0}],\"usageMetadata\":{\"promptTokenCount\":30,\"candidatesTokenCount\":40,\"totalTokenCount\":70},"
          + "\"modelVersion\":\"gemini-3.5-flash\"}"));

  @Benchmark
  public byte[] mapRequest() throws Exception {
    return json.writeValueAsBytes(mapper.body(request));
  }

  @Benchmark
  public Object parseStream() throws Exception {
    GeminiStreamAssembler assembler = new GeminiStreamAssembler(responses, c -> { }, "gemini-3.5-flash", RateLimits.UNKNOWN);
    CodecWorkload.replay(stream, assembler::event);
    return assembler.response();
  }
}
