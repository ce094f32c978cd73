package io.promptyard.bench.codec;

import io.promptyard.providers.ChatRequest;
import io.promptyard.providers.RateLimits;
import io.promptyard.providers.http.FailedCall;
import io.promptyard.providers.http.HttpChatCall;
import io.promptyard.providers.http.HttpChatProvider;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/** The Cohere adapter's codec: Chat v2 request mapping and v2 stream event parsing. */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class CohereCodecBench {

  private HttpChatProvider provider;

  /** The wire of one streamed call, whose answer each invocation of {@link #parseStream} reads. */
  private HttpChatCall.Wire streamed;

  private final ChatRequest request = CodecWorkload.request("command-r-08-2024");
  private final List<String> stream =
      CodecWorkload.sse(
          List.of(
              "event: message-start\ndata: {\"id\":\"m1\",\"type\":\"message-start\",\"delta\":{\"message\":{\"role\":\"assistant\","
                  + "\"content\":[],\"tool_plan\":\"\",\"tool_calls\":[],\"citations\":[]}}}",
              "event: content-start\ndata: {\"type\":\"content-start\",\"index\":0,\"delta\":{\"message\":{\"content\":{\"type\":\"text\","
                  + "\"text\":\"\"}}}}"),
          i ->
              "event: content-delta\ndata: {\"type\":\"content-delta\",\"index\":0,\"delta\":{\"message\":{\"content\":{\"text\":\"token"
                  + i
                  + " \"}}}}",
          List.of(
              "event: content-end\ndata: {\"type\":\"content-end\",\"index\":0}",
              "event: message-end\ndata: {\"type\":\"message-end\",\"delta\":{\"finish_reason\":\"COMPLETE\",\"usage\":{\"billed_units\":"
                  + "{\"input_tokens\":30,\"output_tokens\":40},\"tokens\":{\"input_tokens\":95,\"output_tokens\":40}}}}"));

  @Setup
  public void open() throws FailedCall {
    provider = CodecWorkload.provider("cohere", "https://api.cohere.com");
    streamed = provider.wire(request, true);
  }

  @TearDown
  public void close() {
    provider.close();
  }

  @Benchmark
  public Object mapRequest() throws Exception {
    return provider.wire(request, false);
  }

  @Benchmark
  public Object parseStream() throws Exception {
    HttpChatCall.EventReader reader = streamed.events(c -> {}, RateLimits.UNKNOWN);
    CodecWorkload.replay(stream, reader::event);
    return reader.response();
  }
}
