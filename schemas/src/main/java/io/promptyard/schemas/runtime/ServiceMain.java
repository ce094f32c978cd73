package io.promptyard.schemas.runtime;

import io.promptyard.schemas.config.CommonConfig;
import io.promptyard.schemas.config.ConfigException;
import io.promptyard.schemas.config.ConfigKey;
import io.promptyard.schemas.config.Settings;
import io.promptyard.schemas.serde.AvroWireFormat;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The {@code main} of a service's runnable jar: {@code --help} lists the environment variables it
 * reads, the {@link AvroWireFormat} the environment names is installed before the service starts,
 * and a bad setting, a failed start or a failure while running ends the process with one line
 * naming the reason (exit 2 for configuration, 1 otherwise) instead of a stack trace.
 */
public final class ServiceMain {

  /** Starts the service from the environment and runs it until the process is stopped. */
  @FunctionalInterface
  public interface Body {
    void run() throws Exception;
  }

  /** Starts the service from the environment's settings. */
  @FunctionalInterface
  public interface Starter {
    RunningService start(Map<String, String> environment) throws Exception;
  }

  private ServiceMain() {}

  /**
   * Runs {@code body} as the service {@code name}.
   *
   * @param keys the service's own configuration keys; {@link CommonConfig#KEYS} are listed too
   * @return the exit status: 0 after a clean stop or help, 1 when starting failed or the service
   *     failed while running ({@link ServiceFailure}), 2 for bad configuration or arguments
   */
  public static int run(
      String name,
      List<ConfigKey> keys,
      String[] args,
      Map<String, String> environment,
      PrintStream out,
      PrintStream err,
      Body body) {
    if (args.length > 0) {
      if (args.length == 1 && (args[0].equals("--help") || args[0].equals("-h"))) {
        out.print(help(name, keys));
        out.flush();
        return 0;
      }
      err.println(
          name
              + ": takes no arguments (configuration comes from PROMPTYARD_* environment variables); see --help");
      return 2;
    }
    try {
      AvroWireFormat.install(AvroWireFormat.from(new Settings(environment)));
      body.run();
      return 0;
    } catch (ConfigException e) {
      err.println(name + ": bad configuration: " + e.getMessage());
      return 2;
    } catch (ServiceFailure.ServiceFailedException e) {
      err.println(e.getMessage());
      return 1;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return 0;
    } catch (Exception e) {
      err.println(name + ": could not start: " + reason(e, environment));
      return 1;
    }
  }

  /** The failure in one line; a timeout anywhere in the chain means Kafka did not answer. */
  private static String reason(Exception e, Map<String, String> environment) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof java.util.concurrent.TimeoutException
          || t instanceof org.apache.kafka.common.errors.TimeoutException) {
        return "Kafka at "
            + new Settings(environment).get(CommonConfig.BOOTSTRAP_SERVERS).orElse("?")
            + " did not answer in time; check "
            + CommonConfig.BOOTSTRAP_SERVERS.name()
            + " and that the brokers are up";
      }
    }
    return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
  }

  /**
   * As {@link #run} on the process environment and the standard streams; exits with its status when
   * not 0.
   */
  public static void main(String name, List<ConfigKey> keys, String[] args, Body body) {
    int status = run(name, keys, args, System.getenv(), System.out, System.err, body);
    if (status != 0) {
      System.exit(status);
    }
  }

  /**
   * As {@link #main(String, List, String[], Body)} with a body that starts the service from the
   * process environment and runs it until the process is stopped or the service fails.
   */
  public static void main(String name, List<ConfigKey> keys, String[] args, Starter starter) {
    main(
        name,
        keys,
        args,
        () -> {
          RunningService service = starter.start(System.getenv());
          Services.runUntilStopped(name, service, service.failure());
        });
  }

  static String help(String name, List<ConfigKey> keys) {
    List<ConfigKey> all = new ArrayList<>(CommonConfig.KEYS);
    all.addAll(keys);
    StringBuilder s = new StringBuilder();
    s.append("Usage: java -jar promptyard-").append(name).append(".jar\n");
    s.append("Runs the Promptyard ")
        .append(name)
        .append(" until it is stopped (SIGTERM or Ctrl-C).\n");
    s.append("Configuration comes from these environment variables (default in brackets):\n");
    for (ConfigKey k : all) {
      s.append(
          String.format(
              "  %-42s %s%s%n",
              k.name(), k.doc(), k.defaultValue() == null ? "" : " [" + k.defaultValue() + "]"));
    }
    s.append("\nExample:\n  PROMPTYARD_BOOTSTRAP_SERVERS=kafka:9092 java -jar promptyard-")
        .append(name)
        .append(".jar\n");
    return s.toString();
  }
}
