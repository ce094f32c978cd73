package io.promptyard.bench.codec;

import java.util.List;

/** The OpenAI adapter's codec: request mapping and stream parsing. */
public class OpenAiCodecBench extends HttpAdapterCodec {

  private static final String HEAD =
      "{\"id\":\"chatcmpl-1\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"gpt-4o-mini\",";

  public OpenAiCodecBench() {
    super(
        "openai",
        "https://api.openai.com/v1",
        "gpt-4o-mini",
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
                "data: [DONE]")));
  }
}
