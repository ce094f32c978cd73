package io.promptyard.bench.codec;

import java.util.List;

/**
 * The Gemini adapter's codec: generateContent request mapping and streamGenerateContent SSE
 * parsing.
 */
public class GeminiCodecBench extends HttpAdapterCodec {

  public GeminiCodecBench() {
    super(
        "gemini",
        "https://generativelanguage.googleapis.com",
        "gemini-3.5-flash",
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
                    + "\"modelVersion\":\"gemini-3.5-flash\"}")));
  }
}
