package io.promptyard.guardrails.pii;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.promptyard.guardrails.Detector;
import io.promptyard.guardrails.Finding;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Finds API keys and tokens by their published formats: OpenAI ({@code sk-…}, {@code sk-proj-…}),
 * Anthropic ({@code sk-ant-…}), AWS access key ids, GitHub tokens, JWTs (whose header must decode
 * to JSON naming an {@code alg}) and PEM private keys.
 */
final class SecretDetector {

  /** A format, and substrings of which every match contains one, to skip texts without cheaply. */
  private record Format(String type, Pattern pattern, double score, List<String> markers) {}

  private static final List<Format> FORMATS =
      List.of(
          new Format(
              "ANTHROPIC_KEY",
              Pattern.compile("(?<![A-Za-z0-9_-])sk-ant-[a-z]+\\d*-[A-Za-z0-9_-]{32,}"),
              0.99,
              List.of("sk-ant-")),
          new Format(
              "OPENAI_KEY",
              Pattern.compile(
                  "(?<![A-Za-z0-9_-])sk-(?!ant-)(?:proj-|svcacct-|admin-)?[A-Za-z0-9_-]{32,}"),
              0.97,
              List.of("sk-")),
          new Format(
              "AWS_ACCESS_KEY",
              Pattern.compile("(?<![A-Za-z0-9])(?:AKIA|ASIA)[A-Z2-7]{16}(?![A-Za-z0-9])"),
              0.95,
              List.of("AKIA", "ASIA")),
          new Format(
              "GITHUB_TOKEN",
              Pattern.compile(
                  "(?<![A-Za-z0-9_])(?:gh[pousr]_[A-Za-z0-9]{36}|github_pat_[A-Za-z0-9_]{50,})(?![A-Za-z0-9_])"),
              0.99,
              List.of("ghp_", "gho_", "ghu_", "ghs_", "ghr_", "github_pat_")),
          new Format(
              "PRIVATE_KEY",
              Pattern.compile(
                  "-----BEGIN (?:(?!PRIVATE )[A-Z0-9]+ )*+PRIVATE KEY-----(?:.*?-----END (?:(?!PRIVATE )[A-Z0-9]+ )*+PRIVATE KEY-----|.*\\z)",
                  Pattern.DOTALL),
              0.99,
              List.of("-----BEGIN ")));

  private static final Pattern JWT =
      Pattern.compile(
          "(?<![A-Za-z0-9_-])(eyJ[A-Za-z0-9_-]{8,})\\.([A-Za-z0-9_-]{4,})\\.([A-Za-z0-9_-]*)(?![A-Za-z0-9_.-])");

  private static final ObjectMapper JSON = new ObjectMapper();

  List<Finding> find(String text) {
    List<Finding> found = new ArrayList<>();
    for (Format f : FORMATS) {
      if (f.markers.stream().noneMatch(text::contains)) {
        continue;
      }
      Matcher m = f.pattern.matcher(text);
      while (m.find()) {
        found.add(new Finding(Detector.SECRET, f.type, m.start(), m.end(), f.score));
      }
    }
    Matcher m = JWT.matcher(text.contains("eyJ") ? text : "");
    while (m.find()) {
      if (headerNamesAlgorithm(m.group(1))) {
        found.add(new Finding(Detector.SECRET, "JWT", m.start(), m.end(), 0.97));
      }
    }
    return found;
  }

  private static boolean headerNamesAlgorithm(String header) {
    try {
      byte[] json = Base64.getUrlDecoder().decode(header);
      JsonNode node = JSON.readTree(new String(json, StandardCharsets.UTF_8));
      return node != null && node.isObject() && node.hasNonNull("alg");
    } catch (IllegalArgumentException | IOException e) {
      return false; // not base64url or not JSON: not a JWT
    }
  }
}
