package io.promptyard.providers.openai;

import java.net.URI;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * The field names a chat-completions server understands, which differ between OpenAI's own API,
 * Azure OpenAI (by api-version) and the servers that copy the older protocol.
 *
 * @param developerRole whether the {@code developer} role is sent as such (else as {@code system})
 * @param maxTokensField {@code max_completion_tokens} or the older {@code max_tokens}
 * @param streamUsage whether to ask for a final usage chunk with {@code
 *     stream_options.include_usage}
 */
record OpenAiDialect(boolean developerRole, String maxTokensField, boolean streamUsage) {

  /**
   * api.openai.com: current field names ({@code max_completion_tokens}, the {@code developer}
   * role).
   */
  static final OpenAiDialect OPENAI = new OpenAiDialect(true, "max_completion_tokens", true);

  /**
   * vLLM, Ollama, LiteLLM, Groq, the testkit simulator…: the older, widely implemented field names.
   */
  static final OpenAiDialect COMPATIBLE = new OpenAiDialect(false, "max_tokens", true);

  private static final Pattern DATED = Pattern.compile("\\d{4}-\\d{2}-\\d{2}.*");

  /** The first Azure api-version with {@code max_completion_tokens} and {@code stream_options}. */
  private static final String AZURE_CURRENT_FIELDS = "2024-09-01";

  static OpenAiDialect of(String baseUrl) {
    String host = URI.create(baseUrl).getHost();
    return host != null && host.toLowerCase(Locale.ROOT).equals("api.openai.com")
        ? OPENAI
        : COMPATIBLE;
  }

  /**
   * Azure OpenAI accepts {@code max_completion_tokens} (required by its reasoning models) and
   * {@code stream_options} from api-version 2024-09-01-preview on, and rejects them as unrecognised
   * arguments before: https://learn.microsoft.com/azure/ai-services/openai/api-version-lifecycle.
   * The {@code developer} role is never sent: Azure reads {@code system} as the developer message
   * for reasoning models, and older api-versions reject the role. A version that is not a date
   * (such as {@code preview}) is taken as current.
   */
  static OpenAiDialect azure(String apiVersion) {
    boolean current =
        !DATED.matcher(apiVersion).matches()
            || apiVersion.substring(0, 10).compareTo(AZURE_CURRENT_FIELDS) >= 0;
    return current
        ? new OpenAiDialect(false, "max_completion_tokens", true)
        : new OpenAiDialect(false, "max_tokens", false);
  }
}
