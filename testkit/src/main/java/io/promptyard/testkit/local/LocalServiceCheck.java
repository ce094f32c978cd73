package io.promptyard.testkit.local;

import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.platform.commons.support.AnnotationSupport;

/**
 * The JUnit 5 extension behind {@link Needs}: before a class runs, it fails with the service's own
 * message when a service the class needs is missing. Each service is looked for once per test JVM.
 */
public final class LocalServiceCheck implements BeforeAllCallback {

  private static final ExtensionContext.Namespace NS =
      ExtensionContext.Namespace.create(LocalServiceCheck.class);

  @Override
  public void beforeAll(ExtensionContext context) {
    Needs needs =
        AnnotationSupport.findAnnotation(context.getRequiredTestClass(), Needs.class).orElseThrow();
    ExtensionContext.Store found =
        context.getStore(ExtensionContext.StoreScope.LAUNCHER_SESSION, NS);
    for (LocalService service : needs.value()) {
      if (service == LocalService.REDIS && ItBackend.containers()) {
        // -Pcontainers: Redis in a container on 127.0.0.1:6379 (fails at once without Docker)
        ItBackend.redisUri();
      }
      if (!found.getOrComputeIfAbsent(service, LocalService::present, Boolean.class)) {
        throw new IllegalStateException(
            context.getRequiredTestClass().getSimpleName() + " " + service.missing());
      }
    }
  }
}
