package io.promptyard.cli.audit;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** What the audit trail keeps of a command line: everything but secrets. */
class RedactedArgumentsTest {

  @Test
  void ordinaryArgumentsAreKeptAsGiven() {
    List<String> args =
        List.of("--code", "RATE_LIMITED", "--set", "max_tokens=512", "--team", "search", "0@17");

    assertThat(RedactedArguments.of(args)).isEqualTo(args);
  }

  @Test
  void theValueOfASecretOptionIsHiddenWhetherJoinedOrSeparate() {
    assertThat(
            RedactedArguments.of(
                List.of("--api-key", "sk-live-1", "--password=hunter2", "--team", "search")))
        .containsExactly("--api-key", "[hidden]", "--password=[hidden]", "--team", "search")
        .doesNotContain("sk-live-1", "hunter2");
  }

  @Test
  void secretKafkaPropertiesAreHidden() {
    assertThat(
            RedactedArguments.of(
                List.of(
                    "sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule"
                        + " required username=\"ops\" password=\"s3cret\";",
                    "ssl.keystore.password=changeit",
                    "bootstrap.servers=kafka:9093")))
        .containsExactly(
            "sasl.jaas.config=[hidden]",
            "ssl.keystore.password=[hidden]",
            "bootstrap.servers=kafka:9093");
  }

  @Test
  void theUserInformationOfAUrlIsHidden() {
    assertThat(
            RedactedArguments.of(
                List.of("--redis-url", "redis://default:pa55word@cache.internal:6379/0")))
        .containsExactly("--redis-url", "redis://[hidden]@cache.internal:6379/0");
  }
}
