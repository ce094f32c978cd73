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

/** The Anthropic adapter's codec: Messages request mapping and SSE event parsing. */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class AnthropicCodecBench {

  private HttpChatProvider provider;

  /** The wire of one streamed call, whose answer each invocation of {@link #parseStream} reads. */
  private HttpChatCall.Wire streamed;

  private final ChatRequest request = CodecWorkload.request("claude-haiku-4-5");
  private final List<String> stream =
      CodecWorkload.sse(
          List.of(
              "event: message_start\ndata: {\"type\":\"message_start\",\"message\":{\"id\":\"msg_1\",\"type\":\"message\","
                  + "\"role\":\"assistant\",\"content\":[],\"model\":\"claude-haiku-4-5\",\"stop_reason\":null,\"stop_sequence\":null,"
                  + "\"usage\":{\"input_tokens\":30,\"output_tokens\":1}}}",
              "event: content_block_start\ndata: {\"type\":\"content_block_start\",\"index\":0,\"content_block\":{\"type\":\"text\",\"text\":\"\"}}"),
          i ->
              "event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"text_delta\","
                  + "\"text\":\"token"
                  + i
                  + " \"}}",
          List.of(
              "event: content_block_stop\ndata: {\"type\":\"content_block_stop\",\"index\":0}",
              "event: message_delta\ndata: {\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\"end_turn\",\"stop_sequence\":null},"
                  + "\"usage\":{\"output_tokens\":40}}",
              "event: message_stop\ndata: {\"type\":\"message_stop\"}"));

  @Setup
  public void open() throws FailedCall {
    provider = CodecWorkload.provider("anthropic", "https://api.anthropic.com");
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
