package io.promptyard.testkit.kafka;

import io.promptyard.testkit.local.ItBackend;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.platform.commons.support.AnnotationSupport;

/**
 * Marks an integration test class that needs the in-process broker (several brokers, brokers it
 * stops and restarts, a secured listener, the broker's own files), which one broker in a container
 * cannot stand in for: under {@code -Pcontainers} it is skipped with the reason given; otherwise it
 * runs as usual. docs/OPERATIONS.md lists the classes so marked.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@ExtendWith(InProcessBrokerOnly.Condition.class)
public @interface InProcessBrokerOnly {

  /** Why the class cannot run against a broker in a container. */
  String value();

  /** Skips the class under {@code -Pcontainers}. */
  final class Condition implements ExecutionCondition {
    @Override
    public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
      if (!ItBackend.containers()) {
        return ConditionEvaluationResult.enabled("the in-process broker is in use");
      }
      String reason =
          context
              .getTestClass()
              .flatMap(c -> AnnotationSupport.findAnnotation(c, InProcessBrokerOnly.class))
              .map(InProcessBrokerOnly::value)
              .orElse("needs the in-process broker");
      return ConditionEvaluationResult.disabled("skipped under -Pcontainers: " + reason);
    }
  }
}
