package io.promptyard.cli.audit;

import io.promptyard.schemas.config.KafkaClientProperties;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * A command line as the audit trail keeps it: each argument as given, except secrets — the value of
 * a Kafka property that {@linkplain KafkaClientProperties#isSecret is one}, of an option or {@code
 * name=value} pair one of whose words is a {@linkplain KafkaClientProperties#SECRET_WORDS secret
 * word} ({@code --api-key}, {@code password=}, but not {@code max_tokens=}), and the user
 * information of a URL ({@code redis://:pw@host}) — which read {@value
 * KafkaClientProperties#HIDDEN}.
 */
public final class RedactedArguments {

  private static final Pattern URL_USER_INFO = Pattern.compile("(://)[^/@\\s]*@");

  private RedactedArguments() {}

  /** The arguments with secrets hidden. */
  public static List<String> of(List<String> arguments) {
    List<String> kept = new ArrayList<>();
    boolean hideNext = false;
    for (String arg : arguments) {
      if (hideNext) {
        kept.add(KafkaClientProperties.HIDDEN);
        hideNext = false;
        continue;
      }
      int eq = arg.indexOf('=');
      String name = eq < 0 ? arg : arg.substring(0, eq);
      if (isSecret(name)) {
        if (eq >= 0) {
          kept.add(name + "=" + KafkaClientProperties.HIDDEN);
        } else {
          kept.add(arg);
          // "--password VALUE": the option's value is the next argument
          hideNext = arg.startsWith("-");
        }
        continue;
      }
      kept.add(URL_USER_INFO.matcher(arg).replaceAll("$1" + KafkaClientProperties.HIDDEN + "@"));
    }
    return kept;
  }

  private static boolean isSecret(String name) {
    if (name.contains(".") && !name.startsWith("-")) {
      return KafkaClientProperties.isSecret(name);
    }
    return Arrays.stream(name.toLowerCase(Locale.ROOT).split("[-_.]+"))
        .anyMatch(KafkaClientProperties.SECRET_WORDS::contains);
  }
}
