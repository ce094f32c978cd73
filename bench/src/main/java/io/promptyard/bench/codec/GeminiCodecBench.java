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

/**
 * The Gemini adapter's codec: generateContent request mapping and streamGenerateContent SSE
 * parsing.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class GeminiCodecBench {

  private HttpChatProvider provider;

  /** The wire of one streamed call, whose answer each invocation of {@link #parseStream} reads. */
  private HttpChatCall.Wire streamed;

  private final ChatRequest request = CodecWorkload.request("gemini-3.5-flash");
  private final List<String> stream =
      CodecWorkload.sse(
          List.of(),
          i ->
              "data: {\"candidates\":[{\"content\":{\"parts\":[{\"text\":\"token"
                  + i
                  + " \"}],\"role\":\"model\"},\"index\":0}],"
                  + "\"usageMetadata\":{\"promptTokenCount\":30,\"candidatesTokenCount\":"
                  + (i + 1)
                  + ",\"totalTokenCount\":"
                  + (31 + i)
                  + "},"
                  + "\"modelVersion\":\"gemini-3.5-flash\"}",
          List.of(
              "data: {\"candidates\":[{\"content\":{\"parts\":[{\"text\":\"\"}],\"role\":\"model\"},\"finishReason\":\"STOP\","
                  + "\"index\":0}],\"usageMetadata\":{\"promptTokenCount\":30,\"candidatesTokenCount\":40,\"totalTokenCount\":70},"
                  + "\"modelVersion\":\"gemini-3.5-flash\"}"));

  @Setup
  public void open() throws FailedCall {
    provider = CodecWorkload.provider("gemini", "https://generativelanguage.googleapis.com");
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
