package io.promptyard.router.routing;

import com.knuddels.jtokkit.Encodings;
import com.knuddels.jtokkit.api.EncodingRegistry;
import com.knuddels.jtokkit.api.EncodingType;
import io.promptyard.catalog.ModelSpec;
import io.promptyard.schemas.CompletionRequest;
import io.promptyard.schemas.ContentPart;
import io.promptyard.schemas.Message;
import io.promptyard.schemas.ToolDefinition;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Estimates a request's input tokens before any provider sees it, per model: OpenAI models are
 * counted with their own tokenizer (jtokkit's {@code o200k_base} or {@code cl100k_base}); every
 * other model gets a calibrated estimate (see {@link #calibrated(String)}). A chat-format overhead
 * per message and a flat charge per image are added either way. The real count comes back in the
 * provider's usage.
 */
public final class TokenEstimator {

  /** The tokenizer a model's input is counted with. */
  public enum Tokenizer {
    O200K_BASE,
    CL100K_BASE,
    CALIBRATED;

    /**
     * The name shown in decisions: {@code o200k_base}, {@code cl100k_base} or {@code calibrated}.
     */
    public String label() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /** OpenAI's chat format: about three tokens framing each message, three priming the reply. */
  private static final int PER_MESSAGE_OVERHEAD = 4;

  private static final int PER_REQUEST_OVERHEAD = 3;

  /** A high-detail 1024×1024 image at OpenAI's published tile price (85 + 4 × 170). */
  private static final int PER_IMAGE = 765;

  private static final EncodingRegistry REGISTRY = Encodings.newLazyEncodingRegistry();

  private static final WordCounter WORDS =
      new WordCounter(
          REGISTRY.getEncoding(EncodingType.O200K_BASE),
          REGISTRY.getEncoding(EncodingType.CL100K_BASE));

  private TokenEstimator() {}

  /**
   * The tokenizer used for a model: OpenAI's own for OpenAI model ids, wherever they are hosted.
   */
  public static Tokenizer tokenizerOf(ModelSpec model) {
    return BY_MODEL_ID.computeIfAbsent(model.id(), TokenEstimator::tokenizerOfId);
  }

  private static final java.util.Map<String, Tokenizer> BY_MODEL_ID =
      new java.util.concurrent.ConcurrentHashMap<>();
  private static final java.util.regex.Pattern O_SERIES =
      java.util.regex.Pattern.compile("o[134](-.*)?");

  private static Tokenizer tokenizerOfId(String modelId) {
    String id = modelId.toLowerCase(Locale.ROOT);
    id = id.substring(id.lastIndexOf('/') + 1);
    if (id.startsWith("gpt-4o")
        || id.startsWith("gpt-4.1")
        || id.startsWith("gpt-4.5")
        || id.startsWith("gpt-5")
        || id.startsWith("gpt-6")
        || id.startsWith("gpt-oss")
        || id.startsWith("chatgpt")
        || O_SERIES.matcher(id).matches()) {
      return Tokenizer.O200K_BASE;
    }
    if (id.startsWith("gpt-4") || id.startsWith("gpt-3.5")) {
      return Tokenizer.CL100K_BASE;
    }
    return Tokenizer.CALIBRATED;
  }

  /**
   * The request's text, read once; token counts are computed on first use per tokenizer and kept.
   */
  public static Input of(CompletionRequest request) {
    List<String> texts = new ArrayList<>();
    int images = 0;
    for (Message m : request.getMessages()) {
      add(texts, m.getText());
      for (ContentPart part : m.getParts()) {
        if ("image_url".equals(part.getType())) {
          images++;
        } else {
          add(texts, part.getText());
        }
      }
      m.getToolCalls()
          .forEach(
              c -> {
                add(texts, c.getName());
                add(texts, c.getArguments());
              });
    }
    if (request.getParameters() != null) {
      for (ToolDefinition tool : request.getParameters().getTools()) {
        add(texts, tool.getName());
        add(texts, tool.getDescription());
        add(texts, tool.getParametersJson());
      }
    }
    long fixed =
        PER_REQUEST_OVERHEAD
            + (long) PER_MESSAGE_OVERHEAD * request.getMessages().size()
            + (long) PER_IMAGE * images;
    return new Input(texts, fixed);
  }

  private static void add(List<String> texts, String text) {
    if (text != null && !text.isEmpty()) {
      texts.add(text);
    }
  }

  /**
   * The calibrated estimate for tokenizers we cannot run here (Anthropic, Gemini, Llama, Qwen,
   * Mistral, Cohere…): 1.4 tokens per run of ASCII letters and digits, 0.6 per other visible ASCII
   * character, 1.3 per CJK, kana or Hangul character, 0.7 per other non-ASCII letter or digit and
   * 0.6 per other non-ASCII character. The weights were fitted (least squares on the relative
   * error) to the larger of the {@code o200k_base} and {@code cl100k_base} counts of 16 texts: this
   * repository's README, docs/PROVIDERS.md, model catalog and two Java sources, the prompts of
   * examples/batch.jsonl, and a paragraph in each of ten languages
   * (router/src/test/resources/calibration). On those it lands within 20% of the larger count;
   * {@code TokenEstimatorTest} re-measures it.
   */
  static long calibrated(String text) {
    return Math.round(calibratedTenths(text) / 10.0);
  }

  /**
   * {@link #calibrated} in tenths of a token, before rounding: it adds up over the parts of a text.
   */
  static int calibratedTenths(String text) {
    int words = 0;
    int asciiOther = 0;
    int cjk = 0;
    int otherLetters = 0;
    int otherSymbols = 0;
    boolean inWord = false;
    int length = text.length();
    for (int i = 0; i < length; ) {
      char c = text.charAt(i);
      if (c < 128) {
        i++;
        switch (ASCII[c]) {
          case WORD -> {
            if (!inWord) {
              words++;
              inWord = true;
            }
          }
          case SPACE -> inWord = false;
          default -> {
            inWord = false;
            asciiOther++;
          }
        }
        continue;
      }
      inWord = false;
      int cp = text.codePointAt(i);
      i += Character.charCount(cp);
      if (isCjk(cp)) {
        cjk++;
      } else if (Character.isLetterOrDigit(cp)) {
        otherLetters++;
      } else if (!Character.isWhitespace(cp)) {
        otherSymbols++;
      }
    }
    return words * 14 + asciiOther * 6 + cjk * 13 + otherLetters * 7 + otherSymbols * 6;
  }

  private static final byte WORD = 0;
  private static final byte SPACE = 1;
  private static final byte OTHER = 2;

  /**
   * The class of each ASCII character for {@link #calibrated}: letter or digit, whitespace,
   * anything else.
   */
  private static final byte[] ASCII = new byte[128];

  static {
    for (int c = 0; c < 128; c++) {
      ASCII[c] = Character.isLetterOrDigit(c) ? WORD : Character.isWhitespace(c) ? SPACE : OTHER;
    }
  }

  private static boolean isCjk(int cp) {
    return (cp >= 0x3000 && cp <= 0x9FFF)
        || (cp >= 0xAC00 && cp <= 0xD7AF)
        || (cp >= 0xF900 && cp <= 0xFAFF)
        || (cp >= 0xFF00 && cp <= 0xFFEF)
        || (cp >= 0x20000 && cp <= 0x2FFFF);
  }

  /**
   * One request's input, counted on first use: one pass over the text counts every tokenizer {@link
   * #expect}ed so far, plus the one asked for. Not thread-safe: one decision uses it.
   */
  public static final class Input {
    private final List<String> texts;
    private final long fixed;
    private final long[] counts = {-1, -1, -1};
    private boolean wantO200k;
    private boolean wantCl100k;

    private Input(List<String> texts, long fixed) {
      this.texts = texts;
      this.fixed = fixed;
    }

    /**
     * Says which models will be asked about, so that one pass counts for all of their tokenizers.
     */
    public Input expect(Iterable<ModelSpec> models) {
      for (ModelSpec m : models) {
        switch (tokenizerOf(m)) {
          case O200K_BASE -> wantO200k = true;
          case CL100K_BASE -> wantCl100k = true;
          case CALIBRATED -> {}
        }
      }
      return this;
    }

    /** Estimated input tokens for this model. */
    public int tokensFor(ModelSpec model) {
      return tokens(tokenizerOf(model));
    }

    /** Estimated input tokens under this tokenizer. */
    public int tokens(Tokenizer tokenizer) {
      int i = tokenizer.ordinal();
      if (counts[i] < 0) {
        boolean o200k =
            tokenizer == Tokenizer.O200K_BASE
                || (wantO200k && counts[Tokenizer.O200K_BASE.ordinal()] < 0);
        boolean cl100k =
            tokenizer == Tokenizer.CL100K_BASE
                || (wantCl100k && counts[Tokenizer.CL100K_BASE.ordinal()] < 0);
        long[] sums = new long[3];
        for (String t : texts) {
          WORDS.count(t, o200k, cl100k, sums);
        }
        if (o200k) {
          counts[Tokenizer.O200K_BASE.ordinal()] = fixed + sums[WordCounter.O200K];
        }
        if (cl100k) {
          counts[Tokenizer.CL100K_BASE.ordinal()] = fixed + sums[WordCounter.CL100K];
        }
        counts[Tokenizer.CALIBRATED.ordinal()] =
            fixed + Math.round(sums[WordCounter.CALIBRATED_TENTHS] / 10.0);
      }
      return (int) Math.min(Integer.MAX_VALUE, counts[i]);
    }
  }
}
