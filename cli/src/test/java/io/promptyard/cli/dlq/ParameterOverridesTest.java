package io.promptyard.cli.dlq;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.promptyard.router.validation.RequestValidator;
import io.promptyard.schemas.Parameters;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@code dlq replay --set}: values the router's ingress validation would reject are refused. */
class ParameterOverridesTest {

  private static final RequestValidator INGRESS = RequestValidator.defaults();

  @Test
  void valuesIngressAcceptsAreAppliedToTheRequestParameters() {
    ParameterOverrides overrides =
        ParameterOverrides.parse(
            List.of("max_tokens=512", "temperature=0", "top_p=1", "stop=END, STOP", "seed=7"),
            INGRESS);

    Parameters p = overrides.applyTo((Parameters) null);

    assertThat(p.getMaxTokens()).isEqualTo(512);
    assertThat(p.getTemperature()).isEqualTo(0.0);
    assertThat(p.getTopP()).isEqualTo(1.0);
    assertThat(p.getStop()).containsExactly("END", "STOP");
    assertThat(p.getSeed()).isEqualTo(7L);
  }

  @Test
  void topPOfZeroIsRefusedAsIngressRefusesIt() {
    assertThatThrownBy(() -> ParameterOverrides.parse(List.of("top_p=0"), INGRESS))
        .hasMessage("--set top_p=0: top_p 0.0 is outside (0, 1], so the router would reject it");
  }

  @Test
  void temperatureOutsideItsRangeIsRefused() {
    assertThatThrownBy(() -> ParameterOverrides.parse(List.of("temperature=2.5"), INGRESS))
        .hasMessage(
            "--set temperature=2.5: temperature 2.5 is outside 0..2, so the router would reject it");
  }

  @Test
  void moreStopSequencesThanIngressTakesAreRefused() {
    assertThatThrownBy(() -> ParameterOverrides.parse(List.of("stop=a,b,c,d,e"), INGRESS))
        .hasMessageStartingWith("--set stop=a,b,c,d,e: stop has 5 sequences; the limit is 4");
  }

  @Test
  void maxTokensBelowOneIsRefused() {
    assertThatThrownBy(() -> ParameterOverrides.parse(List.of("max_tokens=0"), INGRESS))
        .hasMessageStartingWith("--set max_tokens=0: max_tokens 0 must be at least 1");
  }

  @Test
  void notANumberAndInfinityAreNotNumbers() {
    assertThatThrownBy(() -> ParameterOverrides.parse(List.of("temperature=NaN"), INGRESS))
        .hasMessage("--set temperature=NaN: not a number");
    assertThatThrownBy(() -> ParameterOverrides.parse(List.of("top_p=Infinity"), INGRESS))
        .hasMessage("--set top_p=Infinity: not a number");
    assertThatThrownBy(() -> ParameterOverrides.parse(List.of("max_tokens=lots"), INGRESS))
        .hasMessage("--set max_tokens=lots: not a number");
  }

  @Test
  void unknownNamesAndMissingValuesSayWhatIsExpected() {
    assertThatThrownBy(() -> ParameterOverrides.parse(List.of("colour=blue"), INGRESS))
        .hasMessageContaining("unknown parameter; use one of [max_tokens");
    assertThatThrownBy(() -> ParameterOverrides.parse(List.of("max_tokens"), INGRESS))
        .hasMessageContaining("expected name=value");
  }
}
