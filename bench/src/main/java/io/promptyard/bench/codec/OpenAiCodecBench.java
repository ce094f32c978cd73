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

/** The OpenAI adapter's codec: request mapping and stream parsing. */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class OpenAiCodecBench {

  private HttpChatProvider provider;

  /** The wire of one streamed call, whose answer each invocation of {@link #parseStream} reads. */
  private HttpChatCall.Wire streamed;

  private static final String HEAD =
      "{\"id\":\"chatcmpl-1\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"gpt-4o-mini\",";

  private final ChatRequest request = CodecWorkload.request("gpt-4o-mini");
  private final List<String> stream =
      CodecWorkload.sse(
          List.of(
              "data: "
                  + HEAD
                  + "\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"\"},\"finish_reason\":null}]}"),
          i ->
              "data: "
                  + HEAD
                  + "\"choices\":[{\"index\":0,\"delta\":{\"content\":\"token"
                  + i
                  + " \"},\"finish_reason\":null}]}",
          List.of(
              "data: "
                  + HEAD
                  + "\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}]}",
              "data: "
                  + HEAD
                  + "\"choices\":[],\"usage\":{\"prompt_tokens\":30,\"completion_tokens\":40,\"total_tokens\":70}}",
              "data: [DONE]"));

  @Setup
  public void open() throws FailedCall {
    provider = CodecWorkload.provider("openai", "https://api.openai.com/v1");
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
