package io.promptyard.schemas.http;

import io.promptyard.schemas.config.ConfigException;
import io.promptyard.schemas.config.ConfigKey;
import io.promptyard.schemas.config.Settings;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The bearer tokens a service's HTTP endpoints accept: an optional full-access token and
 * team-scoped tokens, read once at start-up from the environment or from files. With none
 * configured every caller has full access (the endpoints are open). Tokens are kept only as SHA-256
 * digests, compared in constant time, and never logged or quoted in an error.
 */
public final class HttpTokens {

  /** No token: every endpoint open, as before tokens existed. */
  public static final HttpTokens NONE = new HttpTokens(Optional.empty(), List.of());

  /** The shortest token accepted, so that none is guessable. */
  static final int MIN_LENGTH = 16;

  private static final Pattern TOKEN_CHARS = Pattern.compile("[\\x21-\\x7E]+");
  private static final String BEARER = "bearer ";

  private record TeamToken(String team, byte[] digest) {}

  private final Optional<byte[]> full;
  private final List<TeamToken> teams;

  private HttpTokens(Optional<byte[]> full, List<TeamToken> teams) {
    this.full = full;
    this.teams = List.copyOf(teams);
  }

  /**
   * The full-access token from {@code token} or from the file {@code tokenFile} names (not both);
   * {@link #NONE} when neither is set.
   */
  public static HttpTokens from(Settings s, ConfigKey token, ConfigKey tokenFile) {
    return of(fullToken(s, token, tokenFile).map(HttpTokens::sha256), List.of());
  }

  /**
   * The full-access token as {@link #from(Settings, ConfigKey, ConfigKey)} reads it, and the
   * team-scoped tokens of the file {@code teamTokensFile} names: one {@code team=token} a line
   * (split at the first {@code =}), blank lines and lines starting with {@code #} ignored, several
   * tokens per team allowed, each token different from every other.
   */
  public static HttpTokens from(
      Settings s, ConfigKey token, ConfigKey tokenFile, ConfigKey teamTokensFile) {
    Optional<byte[]> full = fullToken(s, token, tokenFile).map(HttpTokens::sha256);
    List<TeamToken> teams = new ArrayList<>();
    Optional<String> file = s.get(teamTokensFile);
    if (file.isPresent()) {
      List<String> lines = read(teamTokensFile, file.get()).lines().toList();
      for (int i = 0; i < lines.size(); i++) {
        String line = lines.get(i).strip();
        if (line.isEmpty() || line.startsWith("#")) {
          continue;
        }
        String where = teamTokensFile.name() + " (" + file.get() + ") line " + (i + 1);
        int eq = line.indexOf('=');
        if (eq < 0 || line.substring(0, eq).isBlank()) {
          throw new ConfigException(where + " is not team=token");
        }
        byte[] digest = sha256(checked(line.substring(eq + 1).strip(), where));
        boolean repeated =
            full.map(f -> MessageDigest.isEqual(f, digest)).orElse(false)
                || teams.stream().anyMatch(t -> MessageDigest.isEqual(t.digest(), digest));
        if (repeated) {
          throw new ConfigException(
              where + " repeats a token given before; each team token must be different");
        }
        teams.add(new TeamToken(line.substring(0, eq).strip(), digest));
      }
      if (teams.isEmpty()) {
        // an empty file must not leave the endpoints open when no full-access token is set
        throw new ConfigException(
            teamTokensFile.name() + " (" + file.get() + ") holds no team=token line");
      }
    }
    return of(full, teams);
  }

  private static HttpTokens of(Optional<byte[]> full, List<TeamToken> teams) {
    return full.isEmpty() && teams.isEmpty() ? NONE : new HttpTokens(full, teams);
  }

  /** Whether callers need a token (one is configured). */
  public boolean required() {
    return full.isPresent() || !teams.isEmpty();
  }

  /**
   * What the value of an {@code Authorization} header ({@code Bearer <token>}, or null when the
   * request has none) grants: full access when no token is configured, otherwise the access of the
   * token it carries, or nothing.
   */
  public Optional<Access> access(String authorization) {
    if (!required()) {
      return Optional.of(Access.FULL);
    }
    Optional<String> token = bearer(authorization);
    if (token.isEmpty()) {
      return Optional.empty();
    }
    byte[] digest = sha256(token.get());
    // every digest is compared, so the time taken does not tell which one matched
    Access granted = null;
    if (full.isPresent() && MessageDigest.isEqual(full.get(), digest)) {
      granted = Access.FULL;
    }
    for (TeamToken t : teams) {
      if (MessageDigest.isEqual(t.digest(), digest)) {
        granted = new Access.Team(t.team());
      }
    }
    return Optional.ofNullable(granted);
  }

  private static Optional<String> bearer(String authorization) {
    if (authorization == null) {
      return Optional.empty();
    }
    String v = authorization.strip();
    if (!v.toLowerCase(Locale.ROOT).startsWith(BEARER)) {
      return Optional.empty();
    }
    String token = v.substring(BEARER.length()).strip();
    return token.isEmpty() ? Optional.empty() : Optional.of(token);
  }

  private static Optional<String> fullToken(Settings s, ConfigKey token, ConfigKey tokenFile) {
    Optional<String> value = s.get(token);
    Optional<String> file = s.get(tokenFile);
    if (value.isPresent() && file.isPresent()) {
      throw new ConfigException(
          "set " + token.name() + " or " + tokenFile.name() + ", not both: " + token.doc());
    }
    if (file.isPresent()) {
      return Optional.of(
          checked(read(tokenFile, file.get()).strip(), tokenFile.name() + " (" + file.get() + ")"));
    }
    return value.map(v -> checked(v, token.name()));
  }

  /**
   * The token if it is long enough and header-safe; the error names where it came from, never it.
   */
  private static String checked(String token, String where) {
    if (token.length() < MIN_LENGTH || !TOKEN_CHARS.matcher(token).matches()) {
      throw new ConfigException(
          where
              + ": a token must be at least "
              + MIN_LENGTH
              + " printable ASCII characters without spaces; generate one with `openssl rand -hex 32`");
    }
    return token;
  }

  private static String read(ConfigKey key, String file) {
    try {
      return Files.readString(Path.of(file), StandardCharsets.UTF_8);
    } catch (IOException e) {
      // an IOException's message names the file, never its content
      throw new ConfigException(key.name() + ": cannot read " + file + ": " + e.getMessage());
    }
  }

  private static byte[] sha256(String token) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
  }
}
