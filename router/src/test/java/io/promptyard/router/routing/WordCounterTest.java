package io.promptyard.router.routing;

import static org.assertj.core.api.Assertions.assertThat;

import com.knuddels.jtokkit.Encodings;
import com.knuddels.jtokkit.api.Encoding;
import com.knuddels.jtokkit.api.EncodingRegistry;
import com.knuddels.jtokkit.api.EncodingType;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

/**
 * Counting a word at a time gives exactly the whole text's counts: jtokkit's for both OpenAI
 * tokenizers, and the calibrated estimate.
 */
class WordCounterTest {

  private static final EncodingRegistry REGISTRY = Encodings.newLazyEncodingRegistry();
  private static final Encoding O200K = REGISTRY.getEncoding(EncodingType.O200K_BASE);
  private static final Encoding CL100K = REGISTRY.getEncoding(EncodingType.CL100K_BASE);

  @Property(tries = 2_000)
  void wordByWordCountEqualsTheWholeTextsCount(@ForAll("nastyTexts") String text) {
    WordCounter counter = new WordCounter(O200K, CL100K);
    assertThat(counter.o200k(text))
        .as("o200k_base of %s", text)
        .isEqualTo(O200K.countTokensOrdinary(text));
    assertThat(counter.cl100k(text))
        .as("cl100k_base of %s", text)
        .isEqualTo(CL100K.countTokensOrdinary(text));
    long[] sums = new long[3];
    counter.count(text, true, true, sums);
    assertThat(sums)
        .as("all three of %s in one pass", text)
        .containsExactly(
            O200K.countTokensOrdinary(text),
            CL100K.countTokensOrdinary(text),
            TokenEstimator.calibratedTenths(text));
  }

  @Property(tries = 300)
  void wordsEvictingEachOtherFromATinyTableStillCountExactly(
      @ForAll("nastyTexts") String a, @ForAll("nastyTexts") String b) {
    WordCounter tiny = new WordCounter(O200K, CL100K, 4);
    for (int round = 0; round < 3; round++) {
      assertThat(tiny.o200k(a))
          .as("o200k_base of %s, round %d", a, round)
          .isEqualTo(O200K.countTokensOrdinary(a));
      assertThat(tiny.cl100k(b))
          .as("cl100k_base of %s, round %d", b, round)
          .isEqualTo(CL100K.countTokensOrdinary(b));
      assertThat(tiny.o200k(b))
          .as("o200k_base of %s, round %d", b, round)
          .isEqualTo(O200K.countTokensOrdinary(b));
    }
  }

  @Test
  void wordByWordCountEqualsTheWholeCountOnRealTexts() throws IOException {
    WordCounter counter = new WordCounter(O200K, CL100K);
    for (String file :
        List.of(
            "../README.md",
            "../docs/PROVIDERS.md",
            "../catalog/src/main/resources/catalog/models.yaml",
            "../schemas/src/main/java/io/promptyard/schemas/ingress/JsonIngress.java",
            "../examples/batch.jsonl",
            "src/test/resources/calibration/multilingual.txt")) {
      String text = Files.readString(Path.of(file));
      assertThat(counter.o200k(text))
          .as("o200k_base of %s", file)
          .isEqualTo(O200K.countTokensOrdinary(text));
      assertThat(counter.cl100k(text))
          .as("cl100k_base of %s", file)
          .isEqualTo(CL100K.countTokensOrdinary(text));
    }
  }

  @Test
  void proseIsCutIntoWordsEachWithTheSpaceBeforeIt() {
    assertThat(WordCounter.chunks("Hello, big  world 42 times"))
        .containsExactly("Hello,", " big", "  world", " 42", " times");
  }

  @Provide
  Arbitrary<String> nastyTexts() {
    return Arbitraries.strings()
        .withChars("aZ ', \n\r\t/é水\u00A0\u0301\u2003'sdtmlvre0123456789.!?-_()\"")
        .withCharRange('a', 'e')
        .ofMinLength(0)
        .ofMaxLength(80);
  }
}
