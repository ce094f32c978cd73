package io.promptyard.testkit.kafka;

import io.promptyard.testkit.local.ItBackend;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * JUnit 5 extension that injects one {@link EmbeddedKafka} broker into test constructors, lifecycle
 * methods and test methods that declare an {@code EmbeddedKafka} parameter. The broker is started
 * once per test JVM and shared by every class that uses the extension (a start costs about three
 * seconds); it is closed when the whole run ends. Classes therefore keep to topics, groups and
 * transactional ids of their own, as they would on a shared cluster.
 *
 * <p>Under {@code -Pcontainers} ({@link ItBackend#containers()}), the broker is instead Kafka in a
 * container, started once per test JVM, and the {@code EmbeddedKafka} given to tests is {@linkplain
 * EmbeddedKafka#attached attached} to it. Without a Docker engine, each class fails at once saying
 * so.
 *
 * <pre>{@code
 * @ExtendWith(KafkaBrokerExtension.class)
 * class MyIT {
 *   @Test void works(EmbeddedKafka kafka) { ... kafka.bootstrapServers() ... }
 * }
 * }</pre>
 */
public final class KafkaBrokerExtension implements BeforeAllCallback, ParameterResolver {

  private static final ExtensionContext.Namespace NS =
      ExtensionContext.Namespace.create(KafkaBrokerExtension.class);

  @Override
  public void beforeAll(ExtensionContext context) {
    broker(context);
  }

  @Override
  public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
    return parameter.getParameter().getType() == EmbeddedKafka.class;
  }

  @Override
  public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
    return broker(context);
  }

  private static EmbeddedKafka broker(ExtensionContext context) {
    // The launcher session spans the test JVM: Surefire and Failsafe run each class in an execution
    // request of its
    // own when they share classes out among several JVMs, so the root context's store would last
    // one class only.
    return context
        .getStore(ExtensionContext.StoreScope.LAUNCHER_SESSION, NS)
        .getOrComputeIfAbsent(
            "broker",
            k ->
                new SharedBroker(
                    ItBackend.containers()
                        ? EmbeddedKafka.attached(ItBackend.containerKafka())
                        : EmbeddedKafka.start()),
            SharedBroker.class)
        .kafka();
  }

  /** The JVM's broker, closed by JUnit when the launcher session closes at the end of the run. */
  private record SharedBroker(EmbeddedKafka kafka)
      implements ExtensionContext.Store.CloseableResource {
    @Override
    public void close() {
      kafka.close();
    }
  }
}
