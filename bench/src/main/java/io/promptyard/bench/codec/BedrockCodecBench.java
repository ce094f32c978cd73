package io.promptyard.bench.codec;

import io.promptyard.providers.ChatRequest;
import io.promptyard.providers.RateLimits;
import io.promptyard.providers.bedrock.BedrockRequestMapper;
import io.promptyard.providers.bedrock.BedrockStreamAssembler;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import software.amazon.awssdk.services.bedrockruntime.model.ContentBlockDelta;
import software.amazon.awssdk.services.bedrockruntime.model.ContentBlockDeltaEvent;
import software.amazon.awssdk.services.bedrockruntime.model.ConverseStreamMetadataEvent;
import software.amazon.awssdk.services.bedrockruntime.model.ConverseStreamOutput;
import software.amazon.awssdk.services.bedrockruntime.model.MessageStartEvent;
import software.amazon.awssdk.services.bedrockruntime.model.MessageStopEvent;
import software.amazon.awssdk.services.bedrockruntime.model.TokenUsage;

/**
 * The Bedrock adapter's codec: mapping to the SDK's Converse request, and assembling the SDK's
 * decoded stream events. The event-stream framing and SigV4 are the AWS SDK's work and are not
 * measured here.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class BedrockCodecBench {

  private final BedrockRequestMapper mapper = new BedrockRequestMapper();
  private final ChatRequest request = CodecWorkload.request("amazon.nova-lite-v1:0");
  private final List<ConverseStreamOutput> events = events();

  @Benchmark
  public Object mapRequest() throws Exception {
    return mapper.map(request).converse();
  }

  @Benchmark
  public Object parseStream() throws Exception {
    BedrockStreamAssembler assembler = new BedrockStreamAssembler(c -> {}, mapper.map(request));
    for (ConverseStreamOutput e : events) {
      assembler.event(e);
    }
    return assembler.response(RateLimits.UNKNOWN);
  }

  private static List<ConverseStreamOutput> events() {
    List<ConverseStreamOutput> events = new ArrayList<>();
    events.add(MessageStartEvent.builder().role("assistant").build());
    for (int i = 0; i < CodecWorkload.DELTAS; i++) {
      events.add(
          ContentBlockDeltaEvent.builder()
              .contentBlockIndex(0)
              .delta(ContentBlockDelta.fromText("token" + i + " "))
              .build());
    }
    events.add(MessageStopEvent.builder().stopReason("end_turn").build());
    events.add(
        ConverseStreamMetadataEvent.builder()
            .usage(TokenUsage.builder().inputTokens(30).outputTokens(40).totalTokens(70).build())
            .build());
    return events;
  }
}
