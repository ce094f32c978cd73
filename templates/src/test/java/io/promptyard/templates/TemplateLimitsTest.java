package io.promptyard.templates;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.promptyard.schemas.PromptTemplate;
import io.promptyard.schemas.Role;
import io.promptyard.schemas.TemplateMessage;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The variables of a request cannot make a template render for ever, fill memory or overflow the
 * stack.
 */
class TemplateLimitsTest {

  /** For the time limit's own test: a short limit, so that the endless loop ends soon. */
  private final TemplateRenderer shortTimeLimit =
      new TemplateRenderer(new TemplateRenderer.Limits(1_000, Duration.ofMillis(100)));

  /**
   * For every other limit: a time limit no render here comes near even on a loaded machine (a first
   * render that loads the engine's classes took longer than 100 ms under CI's load), so these tests
   * do not depend on the machine's speed.
   */
  private final TemplateRenderer renderer =
      new TemplateRenderer(new TemplateRenderer.Limits(1_000, Duration.ofSeconds(30)));

  private static PromptTemplate template(String text) {
    return new PromptTemplate(
        "hostile", "1", null, List.of(new TemplateMessage(Role.USER, text)), null);
  }

  @Test
  @Timeout(
      value = 60,
      threadMode = Timeout.ThreadMode.SEPARATE_THREAD) // without the time limit: hours
  void nestedLoopsOverAVariableEndAtTheTimeLimit() {
    String numbers =
        IntStream.range(0, 300)
            .mapToObj(Integer::toString)
            .collect(Collectors.joining(",", "[", "]"));
    PromptTemplate t =
        template(
            "{% set v = n | json %}{% for a in v %}{% for b in v %}{% for c in v %}{% for d in v %}"
                + "{% endfor %}{% endfor %}{% endfor %}{% endfor %}done");

    assertThatThrownBy(() -> shortTimeLimit.render(t, Map.of("n", numbers)))
        .isInstanceOf(TemplateException.class)
        .hasMessage(
            "template hostile@1, message 1 (user), line 1: rendering took longer than its limit of 100 ms");
  }

  @Test
  void aRangeOfMoreThanAHundredThousandNumbersIsRefusedBeforeItIsBuilt() {
    PromptTemplate t = template("{% for i in range(1, n | json) %}{% endfor %}x");

    assertThatThrownBy(() -> renderer.render(t, Map.of("n", "2000000000")))
        .isInstanceOf(TemplateException.class)
        .hasMessageContaining("range from 1 to 2000000000 would make more than 100000 numbers");
  }

  @Test
  void smallRangesStillWork() throws Exception {
    assertThat(
            renderer
                .render(
                    template(
                        "{% for i in range(1, 3) %}{{ i }}{% endfor %}{% for c in 0..2 %}{{ c }}{% endfor %}"),
                    Map.of())
                .getFirst()
                .getText())
        .isEqualTo("123012");
  }

  @Test
  void aMessageLongerThanTheLimitIsRefused() {
    PromptTemplate t = template("{% for d in docs | json %}{{ d }}{% endfor %}");
    String docs =
        IntStream.range(0, 200)
            .mapToObj(i -> "\"0123456789\"")
            .collect(Collectors.joining(",", "[", "]"));

    assertThatThrownBy(() -> renderer.render(t, Map.of("docs", docs)))
        .isInstanceOf(TemplateException.class)
        .hasMessage(
            "template hostile@1, message 1 (user): the rendered message is longer than its limit of 1000 characters");
  }

  @Test
  void aMacroThatCallsItselfForEverIsAnErrorNotAStackOverflow() {
    PromptTemplate t = template("{% macro f(n) %}{{ f(n) }}{% endmacro %}{{ f(1) }}");

    assertThatThrownBy(() -> renderer.render(t, Map.of()))
        .isInstanceOf(TemplateException.class)
        .hasMessageContaining("template hostile@1, message 1 (user)");
  }
}
