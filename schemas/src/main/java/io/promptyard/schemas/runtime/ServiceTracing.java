package io.promptyard.schemas.runtime;

import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.autoconfigure.AutoConfiguredOpenTelemetrySdk;
import io.opentelemetry.sdk.autoconfigure.spi.ConfigurationException;
import io.promptyard.schemas.config.ConfigException;
import io.promptyard.schemas.tracing.JobTracing;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A service's traces, configured by OpenTelemetry's standard {@code OTEL_*} environment variables
 * (or {@code otel.*} system properties) through the SDK's autoconfiguration. Off unless {@code
 * OTEL_TRACES_EXPORTER} names an exporter ({@code otlp}, {@code logging}, …): then spans go where
 * {@code OTEL_EXPORTER_OTLP_ENDPOINT} and the SDK's other settings say, under {@code
 * OTEL_SERVICE_NAME} (by default the service's own name). OTLP defaults to {@code http/protobuf},
 * the protocol whose sender the services ship. Only traces: the services' metrics are Prometheus's
 * and their logs SLF4J's, so the SDK's metric and log exporters default to none.
 */
public final class ServiceTracing implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(ServiceTracing.class);

  /** Tracing off; closing it does nothing. */
  public static final ServiceTracing OFF = new ServiceTracing(JobTracing.OFF, null);

  private final JobTracing tracing;
  private final OpenTelemetrySdk sdk;

  private ServiceTracing(JobTracing tracing, OpenTelemetrySdk sdk) {
    this.tracing = tracing;
    this.sdk = sdk;
  }

  /**
   * The tracing the {@code OTEL_*} variables of {@code environment} (and {@code otel.*} system
   * properties, which win) ask for.
   *
   * @param serviceName the service's name in its spans unless {@code OTEL_SERVICE_NAME} says
   */
  public static ServiceTracing start(String serviceName, Map<String, String> environment) {
    if (!enabled(environment)) {
      return OFF;
    }
    Map<String, String> defaults = new HashMap<>();
    defaults.put("otel.service.name", serviceName);
    defaults.put("otel.metrics.exporter", "none");
    defaults.put("otel.logs.exporter", "none");
    // The services ship OTLP's HTTP sender (the JDK's client), not a gRPC one.
    defaults.put("otel.exporter.otlp.protocol", "http/protobuf");
    // The environment given wins over these defaults (and system properties over it).
    environment.forEach(
        (name, value) -> {
          if (name.startsWith("OTEL_")) {
            defaults.put(name.toLowerCase(Locale.ROOT).replace('_', '.'), value);
          }
        });
    OpenTelemetrySdk sdk;
    try {
      sdk =
          AutoConfiguredOpenTelemetrySdk.builder()
              .addPropertiesSupplier(() -> defaults)
              .disableShutdownHook()
              .build()
              .getOpenTelemetrySdk();
    } catch (ConfigurationException e) {
      throw new ConfigException(
          "OTEL_* tracing settings: "
              + e.getMessage()
              + (e.getCause() == null ? "" : ": " + e.getCause().getMessage()));
    }
    log.info(
        "tracing on: spans of {} go to the {} exporter",
        defaults.get("otel.service.name"),
        setting(environment, "otel.traces.exporter"));
    return new ServiceTracing(JobTracing.with(sdk), sdk);
  }

  /**
   * Whether {@code OTEL_TRACES_EXPORTER} (or {@code otel.traces.exporter}) names an exporter and
   * {@code OTEL_SDK_DISABLED} is not {@code true}.
   */
  static boolean enabled(Map<String, String> environment) {
    String exporter = setting(environment, "otel.traces.exporter");
    return exporter != null
        && !exporter.isBlank()
        && !exporter.trim().equalsIgnoreCase("none")
        && !"true".equalsIgnoreCase(setting(environment, "otel.sdk.disabled"));
  }

  /** A setting from system properties, else from the environment's {@code OTEL_…} variable. */
  private static String setting(Map<String, String> environment, String property) {
    String value = System.getProperty(property);
    return value != null
        ? value
        : environment.get(property.toUpperCase(Locale.ROOT).replace('.', '_'));
  }

  /** The tracer the service's spans are made with. */
  public JobTracing tracing() {
    return tracing;
  }

  /** Exports the spans still buffered (for a few seconds at most) and stops the SDK. */
  @Override
  public void close() {
    if (sdk != null) {
      sdk.shutdown().join(5, TimeUnit.SECONDS);
    }
  }
}
