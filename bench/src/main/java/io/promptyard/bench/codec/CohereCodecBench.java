package io.promptyard.bench.codec;

import java.util.List;

/** The Cohere adapter's codec: Chat v2 request mapping and v2 stream event parsing. */
public class CohereCodecBench extends HttpAdapterCodec {

  public CohereCodecBench() {
    super(
        "cohere",
        "https://api.cohere.com",
        "command-r-08-2024",
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
                    + "{\"input_tokens\":30,\"output_tokens\":40},\"tokens\":{\"input_tokens\":95,\"output_tokens\":40}}}}")));
  }
}
