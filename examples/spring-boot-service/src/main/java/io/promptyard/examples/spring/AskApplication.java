package io.promptyard.examples.spring;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

/**
 * A Spring Boot service that answers {@code POST /ask} through Promptyard: it submits the question
 * with the Java client and awaits the answer on the instance's own reply topic.
 */
@SpringBootApplication
@ConfigurationPropertiesScan
public class AskApplication {

  /** Starts the service; settings come from application.properties and the command line. */
  public static void main(String[] args) {
    SpringApplication.run(AskApplication.class, args);
  }
}
