package io.promptyard.providers.cohere;

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

/** The Cohere adapter's codec: Chat v2 request mapping and v2 stream event parsing. */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class CohereCodecBench {

  private final ObjectMapper json = new ObjectMapper();
  private final CohereRequestMapper mapper = new CohereRequestMapper(json);
  private final ChatRequest request = CodecWorkload.request("command-r-08-2024");
  private final List<String> stream = CodecWorkload.sse(
      List.of("event: message-start\ndata: {\"id\":\"m1\",\"type\":\"message-start\",\"delta\":{\"message\":{\"role\":\"assistant\","
              + "\"content\":[],\"tool_plan\":\"\",\"tool_calls\":[],\"citations\":[]}}}",
          "event: content-start\ndata: {\"type\":\"content-start\",\"index\":0,\"delta\":{\"message\":{\"content\":{\"type\":\"text\","
              + "\"text\":\"\"}}}}"),
      i -> "event: content-delta\ndata: {\"type\":\"content-delta\",\"index\":0,\"delta\":{\"message\":{\"content\":{\"text\":\"token"
          + i + " \"}}}}",
      List.of("event: content-end\ndata: {\"type\":\"content-end\",\"index\":0}",
          "event: message-end\ndata: {\"type\":\"message-end\",\"delta\":{\"finish_reason\":\"COMPLETE\",\"usage\":{\"billed_units\":"
              + "{\"input_tokens\":30,\"output_tokens\":40},\"tokens\":{\"input_tokens\":95,\"output_tokens\":40}}}}"));

  @Benchmark
  public byte[] mapRequest() throws Exception {
    return json.writeValueAsBytes(mapper.body(request, false));
  }

  @Benchmark
  public Object parseStream() throws Exception {
    CohereStreamAssembler assembler = new CohereStreamAssembler(json, c -> { }, "command-r-08-2024", RateLimits.UNKNOWN);
    CodecWorkload.replay(stream, assembler::event);
    return assembler.response();
  }
}
