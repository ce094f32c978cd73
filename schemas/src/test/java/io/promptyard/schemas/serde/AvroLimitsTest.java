package io.promptyard.schemas.serde;

import static org.assertj.core.api.Assertions.assertThat;

import io.promptyard.schemas.CompletionRequest;
import org.junit.jupiter.api.Test;

/**
 * Avro's length limits are in force once a serde exists, even when Avro read its (useless) defaults
 * before: building any generated record with a default value does that.
 */
class AvroLimitsTest {

  @Test
  void aSerdeSetsAvroLimitsUnlessTheOperatorDidAndAvroEnforcesThem() {
    CompletionRequest.newBuilder()
        .setId("x")
        .setTeam("t")
        .setModel("m")
        .build(); // Avro reads its limits here
    AvroSerde.of(CompletionRequest.class);

    assertThat(System.getProperty(AvroLimits.COLLECTION_PROPERTY)).isEqualTo("100000");
    assertThat(System.getProperty(AvroLimits.STRING_PROPERTY))
        .isEqualTo(Integer.toString(16 * 1024 * 1024));
    assertThat(AvroLimits.enforced()).isTrue();
  }
}
