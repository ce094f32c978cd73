package io.promptyard.bench.codec;

import java.util.List;

/** The Anthropic adapter's codec: Messages request mapping and SSE event parsing. */
public class AnthropicCodecBench extends HttpAdapterCodec {

  public AnthropicCodecBench() {
    super(
        "anthropic",
        "https://api.anthropic.com",
        "claude-haiku-4-5",
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
                "event: message_stop\ndata: {\"type\":\"message_stop\"}")));
  }
}
