package io.promptyard.providers.openai;

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

/** The OpenAI adapter's codec: request mapping and stream parsing (in the adapter's package, for its mappers). */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class OpenAiCodecBench {

  private static final String HEAD = "{\"id\":\"chatcmpl-1\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"gpt-4o-mini\",";

  private final ObjectMapper json = new ObjectMapper();
  private final OpenAiRequestMapper mapper = new OpenAiRequestMapper(json, OpenAiDialect.of("https://api.openai.com/v1"));
  private final ChatRequest request = CodecWorkload.request("gpt-4o-mini");
  private final List<String> stream = CodecWorkload.sse(
      List.of("data: " + HEAD + "\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"\"},\"finish_reason\":null}]}"),
      i -> "data: " + HEAD + "\"choices\":[{\"index\":0,\"delta\":{\"content\":\"token" + i + " \"},\"finish_reason\":null}]}",
      List.of("data: " + HEAD + "\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}]}",
          "data: " + HEAD + "\"choices\":[],\"usage\":{\"prompt_tokens\":30,\"completion_tokens\":40,\"total_tokens\":70}}",
          "data: [DONE]"));

  @Benchmark
  public byte[] mapRequest() throws Exception {
    return json.writeValueAsBytes(mapper.body(request, false));
  }

  @Benchmark
  public Object parseStream() throws Exception {
    OpenAiStreamAssembler assembler = new OpenAiStreamAssembler(json, c -> { }, "gpt-4o-mini", RateLimits.UNKNOWN);
    CodecWorkload.replay(stream, assembler::event);
    return assembler.response();
  }
}
