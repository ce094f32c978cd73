package io.promptyard.router;

import static org.assertj.core.api.Assertions.assertThat;

import io.promptyard.guardrails.GuardPolicy;
import io.promptyard.guardrails.RestoreKey;
import io.promptyard.router.guard.GuardSetting;
import io.promptyard.schemas.DetectorVerdict;
import io.promptyard.schemas.RoutedRequest;
import io.promptyard.schemas.serde.AvroSerde;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The guard's restore mode in the router: a redacted request whose policy asks for restore carries
 * its placeholder mapping sealed under the restore key on its routing decision, never in clear;
 * without a key it goes on redacted and says restore was not possible.
 */
class GuardRestoreTopologyTest {

  private static final String EMAIL = "jane.doe@example.com";
  private static final RestoreKey KEY = RestoreKey.of(filled(3));
  private static final GuardPolicy RESTORING = GuardPolicy.DEFAULT.withRestore(true);

  private RouterDriver router;

  @AfterEach
  void tearDown() {
    router.close();
  }

  @Test
  void aRestoringPolicyWithAKeySealsTheMappingOnTheRoutedRecordAndNoValueTravelsInClear() {
    router = driver(RESTORING, Optional.of(KEY));

    router.json(chat("r-1", "Please reply to " + EMAIL + " today"));
    RoutedRequest routed = router.route("alpha").readValue();

    assertThat(routed.getRequest().getMessages().getFirst().getText())
        .isEqualTo("Please reply to [EMAIL_1] today");
    byte[] sealed = bytes(routed.getDecision().getRestoreMapping());
    assertThat(KEY.open(sealed, "team-a", "r-1").orElseThrow().restore("Hi [EMAIL_1]"))
        .isEqualTo("Hi " + EMAIL);
    String onTheTopic =
        new String(AvroSerde.of(RoutedRequest.class).encode(routed), StandardCharsets.ISO_8859_1);
    assertThat(onTheTopic).doesNotContain(EMAIL).doesNotContain("jane");
    assertThat(routed.getDecision().getGuard())
        .extracting(DetectorVerdict::getDetector)
        .containsExactly("email");
  }

  @Test
  void withoutAKeyTheRequestGoesOnRedactedAndSaysRestoreWasNotPossible() {
    router = driver(RESTORING, Optional.empty());

    router.json(chat("r-1", "Please reply to " + EMAIL + " today"));
    RoutedRequest routed = router.route("alpha").readValue();

    assertThat(routed.getRequest().getMessages().getFirst().getText())
        .isEqualTo("Please reply to [EMAIL_1] today");
    assertThat(routed.getDecision().getRestoreMapping()).isNull();
    assertThat(routed.getDecision().getGuard())
        .containsExactly(
            new DetectorVerdict("email", "redact", 1, 0.98),
            new DetectorVerdict("restore", "redact", 1, 0.0));
  }

  @Test
  void aPolicyThatDoesNotAskForRestoreSealsNothingEvenWithAKey() {
    router = driver(GuardPolicy.DEFAULT, Optional.of(KEY));

    router.json(chat("r-1", "Please reply to " + EMAIL + " today"));

    assertThat(router.route("alpha").readValue().getDecision().getRestoreMapping()).isNull();
  }

  private static RouterDriver driver(GuardPolicy policy, Optional<RestoreKey> key) {
    return new RouterDriver(
        TestCatalog.catalog(), new GuardSetting("test", Optional.of(policy), key));
  }

  private static String chat(String id, String text) {
    return "{\"model\":\"alpha/a-mini\",\"messages\":[{\"role\":\"user\",\"content\":\""
        + text
        + "\"}],\"metadata\":{\"team\":\"team-a\",\"request_id\":\""
        + id
        + "\"}}";
  }

  private static byte[] bytes(ByteBuffer buffer) {
    byte[] out = new byte[buffer.remaining()];
    buffer.duplicate().get(out);
    return out;
  }

  private static byte[] filled(int b) {
    byte[] raw = new byte[32];
    Arrays.fill(raw, (byte) b);
    return raw;
  }
}
