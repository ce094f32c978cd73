package io.promptyard.providers.openai;

import java.net.URI;
import java.util.Locale;

/** Whether we talk to OpenAI's own API or to another server that speaks the same protocol. */
enum Dialect {
  /** api.openai.com: current field names ({@code max_completion_tokens}, the {@code developer} role). */
  OPENAI,
  /** vLLM, Ollama, LiteLLM, Groq, the testkit simulator…: the older, widely implemented field names. */
  COMPATIBLE;

  static Dialect of(String baseUrl) {
    String host = URI.create(baseUrl).getHost();
    return host != null && host.toLowerCase(Locale.ROOT).equals("api.openai.com") ? OPENAI : COMPATIBLE;
  }
}
