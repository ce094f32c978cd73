package io.promptyard.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PromQlNamesTest {

  @Test
  void aQuantileOverBucketsSelectsTheBucketSeriesOnly() {
    assertThat(
            PromQlNames.of(
                "histogram_quantile(0.95, sum by (provider, le) "
                    + "(rate(promptyard_worker_calls_seconds_bucket{provider=~\"$provider\"}[5m])))"))
        .containsExactly("promptyard_worker_calls_seconds_bucket");
  }

  @Test
  void everyOperandOfABinaryExpressionIsANameLabelsNumbersAndKeywordsAreNot() {
    assertThat(
            PromQlNames.of(
                "sum(rate(a_total{outcome=\"failed\"}[10m])) / on (job) group_left (team) "
                    + "sum(rate(b_total[10m] offset 1h)) > 0.05 and up{job=~\"promptyard-.*\"} == 0 "
                    + "unless c * 3600 / 1e6"))
        .containsExactly("a_total", "b_total", "up", "c");
  }

  @Test
  void aGrafanaVariableQueryNamesItsMetricNotItsLabel() {
    assertThat(PromQlNames.of("label_values(promptyard_worker_cost_micros_total, team)"))
        .containsExactly("promptyard_worker_cost_micros_total");
  }
}
