package io.promptyard.cli;

import io.promptyard.cli.audit.AuditTrail;
import java.nio.file.AccessDeniedException;
import java.nio.file.NoSuchFileException;
import java.util.concurrent.ExecutionException;

/** Turns what a command threw into the reason a user reads, without a stack trace. */
final class Failures {

  private Failures() {}

  static String reason(Throwable thrown) {
    Throwable e = unwrap(thrown);
    if (e instanceof AuditTrail.AuditWriteException unrecorded) {
      // says whether the action was done, which a Kafka timeout's hint would hide
      return unrecorded.getMessage();
    }
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof org.apache.kafka.common.errors.TimeoutException) {
        return "Kafka did not answer in time ("
            + firstLine(t)
            + "); check --bootstrap-server, "
            + "PROMPTYARD_BOOTSTRAP_SERVERS or bootstrap.servers in the config file, and on a secured"
            + " cluster security.protocol in --command-config (a SASL or TLS listener does not answer"
            + " a client without it)";
      }
      if (t instanceof org.apache.kafka.common.errors.AuthenticationException) {
        return "Kafka refused the login ("
            + firstLine(t)
            + "); check the credentials in --command-config or PROMPTYARD_KAFKA_CONFIG";
      }
      if (t instanceof org.apache.kafka.common.errors.AuthorizationException) {
        return "Kafka: "
            + firstLine(t)
            + "; the principal has no ACL for this (promptyard topics acls prints what each role"
            + " needs)";
      }
      if (t instanceof org.apache.kafka.common.KafkaException
          && t.getMessage() != null
          && t.getMessage().contains("bootstrap")) {
        return "cannot reach Kafka (" + firstLine(t) + ")";
      }
    }
    return switch (e) {
      case NoSuchFileException f -> "no such file: " + f.getFile();
      case AccessDeniedException f -> "cannot read " + f.getFile() + ": permission denied";
      case IllegalArgumentException i -> message(i);
      case IllegalStateException i -> message(i);
      case io.promptyard.schemas.config.ConfigException c -> message(c);
      case java.io.IOException io -> message(io);
      case org.apache.kafka.common.KafkaException k -> "Kafka: " + message(k);
      default ->
          "unexpected "
              + e.getClass().getSimpleName()
              + (e.getMessage() == null ? "" : ": " + e.getMessage());
    };
  }

  private static Throwable unwrap(Throwable e) {
    while ((e instanceof ExecutionException
            || e instanceof java.util.concurrent.CompletionException)
        && e.getCause() != null) {
      e = e.getCause();
    }
    return e;
  }

  /**
   * The message as it is: some (a batch file's invalid lines) list their details on the lines that
   * follow.
   */
  private static String message(Throwable e) {
    return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
  }

  private static String firstLine(Throwable e) {
    return message(e).lines().findFirst().orElse("");
  }
}
