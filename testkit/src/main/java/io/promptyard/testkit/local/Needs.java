package io.promptyard.testkit.local;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Declares the local services an integration test class needs. Before the class runs, each is
 * looked for; a missing one fails every test of the class with one message saying what to start or
 * install (CI installs them all, so a missing service is an error there, never a reason to skip).
 *
 * <pre>{@code
 * @Needs(LocalService.REDIS)
 * class MyIT { ... }
 * }</pre>
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@ExtendWith(LocalServiceCheck.class)
public @interface Needs {

  /** The services the class needs. */
  LocalService[] value();
}
