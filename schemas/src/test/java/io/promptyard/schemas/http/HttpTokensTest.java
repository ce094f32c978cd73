package io.promptyard.schemas.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.promptyard.schemas.config.ConfigException;
import io.promptyard.schemas.config.ConfigKey;
import io.promptyard.schemas.config.Settings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Which bearer tokens grant what, and how they are read from the environment and files. */
class HttpTokensTest {

  private static final ConfigKey TOKEN = new ConfigKey("X_HTTP_TOKEN", null, "the token");
  private static final ConfigKey TOKEN_FILE = new ConfigKey("X_HTTP_TOKEN_FILE", null, "its file");
  private static final ConfigKey TEAMS_FILE =
      new ConfigKey("X_HTTP_TEAM_TOKENS_FILE", null, "teams");

  private static final String FULL = "full-0123456789abcdef";
  private static final String ACME = "acme-0123456789abcdef";

  @TempDir Path dir;

  @Test
  void withoutTokensEveryCallerHasFullAccess() {
    HttpTokens tokens = HttpTokens.from(new Settings(Map.of()), TOKEN, TOKEN_FILE, TEAMS_FILE);

    assertThat(tokens.required()).isFalse();
    assertThat(tokens.access(null)).contains(Access.FULL);
    assertThat(tokens.access("Bearer anything")).contains(Access.FULL);
  }

  @Test
  void theFullTokenGrantsFullAccessAndNothingElseDoes() {
    HttpTokens tokens =
        HttpTokens.from(new Settings(Map.of("X_HTTP_TOKEN", FULL)), TOKEN, TOKEN_FILE);

    assertThat(tokens.required()).isTrue();
    assertThat(tokens.access("Bearer " + FULL)).contains(Access.FULL);
    assertThat(tokens.access("bearer  " + FULL + " ")).contains(Access.FULL);
    assertThat(tokens.access(null)).isEmpty();
    assertThat(tokens.access("Bearer")).isEmpty();
    assertThat(tokens.access("Bearer " + FULL + "x")).isEmpty();
    assertThat(tokens.access("Bearer " + FULL.substring(1))).isEmpty();
    assertThat(tokens.access("Basic " + FULL)).isEmpty();
    assertThat(tokens.access(FULL)).isEmpty();
  }

  @Test
  void aTeamTokenGrantsItsTeamOnly() throws Exception {
    Path teams =
        Files.writeString(
            dir.resolve("teams"),
            "# team=token, one a line\n\nacme = " + ACME + "\nbeta=b3ta=with=equals-signs\n");

    HttpTokens tokens =
        HttpTokens.from(
            new Settings(Map.of("X_HTTP_TOKEN", FULL, "X_HTTP_TEAM_TOKENS_FILE", teams.toString())),
            TOKEN,
            TOKEN_FILE,
            TEAMS_FILE);

    Access acme = tokens.access("Bearer " + ACME).orElseThrow();
    assertThat(acme).isEqualTo(new Access.Team("acme"));
    assertThat(acme.mayRead("acme")).isTrue();
    assertThat(acme.mayRead("beta")).isFalse();
    assertThat(tokens.access("Bearer b3ta=with=equals-signs")).contains(new Access.Team("beta"));
    assertThat(tokens.access("Bearer " + FULL)).contains(Access.FULL);
  }

  @Test
  void teamTokensAloneMakeATokenRequired() throws Exception {
    Path teams = Files.writeString(dir.resolve("teams"), "acme=" + ACME + "\n");

    HttpTokens tokens =
        HttpTokens.from(
            new Settings(Map.of("X_HTTP_TEAM_TOKENS_FILE", teams.toString())),
            TOKEN,
            TOKEN_FILE,
            TEAMS_FILE);

    assertThat(tokens.required()).isTrue();
    assertThat(tokens.access(null)).isEmpty();
    assertThat(tokens.access("Bearer " + ACME)).contains(new Access.Team("acme"));
  }

  @Test
  void theFullTokenIsReadFromAFileWithoutItsLineBreak() throws Exception {
    Path file = Files.writeString(dir.resolve("token"), FULL + "\n");

    HttpTokens tokens =
        HttpTokens.from(
            new Settings(Map.of("X_HTTP_TOKEN_FILE", file.toString())), TOKEN, TOKEN_FILE);

    assertThat(tokens.access("Bearer " + FULL)).contains(Access.FULL);
  }

  @Test
  void badSettingsAreRejectedNamingTheKeyButNeverTheToken() throws Exception {
    Path file = Files.writeString(dir.resolve("token"), FULL);
    assertThatThrownBy(
            () ->
                HttpTokens.from(
                    new Settings(
                        Map.of("X_HTTP_TOKEN", FULL, "X_HTTP_TOKEN_FILE", file.toString())),
                    TOKEN,
                    TOKEN_FILE))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("X_HTTP_TOKEN or X_HTTP_TOKEN_FILE, not both");
    assertThatThrownBy(
            () -> HttpTokens.from(new Settings(Map.of("X_HTTP_TOKEN", "short")), TOKEN, TOKEN_FILE))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("X_HTTP_TOKEN")
        .hasMessageContaining("at least 16")
        .hasMessageNotContaining("short");
    assertThatThrownBy(
            () ->
                HttpTokens.from(
                    new Settings(Map.of("X_HTTP_TOKEN_FILE", dir.resolve("missing").toString())),
                    TOKEN,
                    TOKEN_FILE))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("X_HTTP_TOKEN_FILE: cannot read");
  }

  @Test
  void aTeamTokensFileWithABadOrRepeatedLineOrNoneIsRejected() throws Exception {
    Path noTeam = Files.writeString(dir.resolve("no-team"), "acme=" + ACME + "\n" + ACME + "\n");
    Path repeated = Files.writeString(dir.resolve("repeated"), "acme=" + ACME + "\nbeta=" + ACME);
    Path fullAgain = Files.writeString(dir.resolve("full-again"), "acme=" + FULL);
    Path blankTeam = Files.writeString(dir.resolve("blank-team"), " =" + ACME);
    Path empty = Files.writeString(dir.resolve("empty"), "# nobody yet\n");

    assertThatThrownBy(() -> teams(noTeam))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("line 2 is not team=token")
        .hasMessageNotContaining(ACME);
    assertThatThrownBy(() -> teams(repeated))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("line 2 repeats a token")
        .hasMessageNotContaining(ACME);
    assertThatThrownBy(() -> teams(fullAgain))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("line 1 repeats a token");
    assertThatThrownBy(() -> teams(blankTeam))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("line 1 is not team=token");
    assertThatThrownBy(() -> teams(empty))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("holds no team=token line");
  }

  private static HttpTokens teams(Path file) {
    return HttpTokens.from(
        new Settings(Map.of("X_HTTP_TOKEN", FULL, "X_HTTP_TEAM_TOKENS_FILE", file.toString())),
        TOKEN,
        TOKEN_FILE,
        TEAMS_FILE);
  }
}
