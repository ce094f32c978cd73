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
 * The codec benchmarks of an HTTP adapter, measured through its public {@code wire}: each subclass
 * names the adapter, its model and its stream, and JMH runs these benchmarks under the subclass's
 * name (e.g. {@code OpenAiCodecBench.mapRequest}).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public abstract class HttpAdapterCodec {

  private final String type;
  private final String baseUrl;
  private final ChatRequest request;
  private final List<String> stream;

  private HttpChatProvider provider;

  /** The wire of one streamed call, whose answer each invocation of {@link #parseStream} reads. */
  private HttpChatCall.Wire streamed;

  /**
   * The adapter of catalog type {@code type} at {@code baseUrl}, asked for {@code model}, parsing
   * {@code stream} (SSE lines, as {@link CodecWorkload#sse} writes them).
   */
  protected HttpAdapterCodec(String type, String baseUrl, String model, List<String> stream) {
    this.type = type;
    this.baseUrl = baseUrl;
    this.request = CodecWorkload.request(model);
    this.stream = stream;
  }

  @Setup
  public void open() throws FailedCall {
    provider = CodecWorkload.provider(type, baseUrl);
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
