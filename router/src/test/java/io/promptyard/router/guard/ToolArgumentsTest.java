package io.promptyard.router.guard;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class ToolArgumentsTest {

  @Test
  void valuesOfNestedObjectsAndArraysAreReadInDocumentOrderAndRedactedInPlace() {
    String arguments = "{\"to\": [\"ann\", {\"mail\": \"bob\"}], \"n\": 2, \"ok\": true}";

    assertThat(ToolArguments.texts(arguments)).containsExactly("ann", "bob", "2");
    assertThat(ToolArguments.redacted(arguments, upperCased(arguments)))
        .isEqualTo("{\"to\":[\"ANN\",{\"mail\":\"BOB\"}],\"n\":2,\"ok\":true}");
  }

  @Test
  void argumentsNothingWasRedactedInAreKeptAsWritten() {
    String arguments = "{ \"n\" : 2.50 }";

    assertThat(ToolArguments.redacted(arguments, upperCased(arguments))).isSameAs(arguments);
  }

  @Test
  void argumentsAReaderCouldTakeTwoWaysAreReadWhole() {
    // Trailing text after the JSON, a repeated key, a bare value, text that is not JSON: a
    // value-by-value reading could miss what a provider or a tool reads.
    for (String arguments :
        List.of(
            "{\"q\": \"x\"} and mail", "{\"q\": \"x\", \"q\": \"mail\"}", "\"mail\"", "q=mail")) {
      assertThat(ToolArguments.texts(arguments)).containsExactly(arguments);
      assertThat(ToolArguments.redacted(arguments, upperCased(arguments)))
          .isEqualTo(arguments.toUpperCase(Locale.ROOT));
    }
  }

  @Test
  void argumentsWithMoreValuesThanAreReadOneByOneAreReadWhole() {
    String many =
        IntStream.rangeClosed(1, ToolArguments.MOST_VALUES + 1)
            .mapToObj(i -> "\"v" + i + "\"")
            .collect(Collectors.joining(",", "[", "]"));
    String enough =
        IntStream.rangeClosed(1, ToolArguments.MOST_VALUES)
            .mapToObj(i -> "\"v" + i + "\"")
            .collect(Collectors.joining(",", "[", "]"));

    assertThat(ToolArguments.texts(many)).containsExactly(many);
    assertThat(ToolArguments.texts(enough)).hasSize(ToolArguments.MOST_VALUES);
  }

  /** What a redacting guard would give back for each text of {@code arguments}: upper case. */
  private static Supplier<String> upperCased(String arguments) {
    Iterator<String> texts = ToolArguments.texts(arguments).iterator();
    return () -> texts.next().toUpperCase(Locale.ROOT);
  }
}
