package io.promptyard.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * What the poms' layering rules (maven-enforcer-plugin: no service depends on another, testkit only
 * in tests, dev and bench, no picocli in the client) cannot see: a package split across modules.
 * Checked over every module's main classes, as this module, which depends on all of them, finds
 * them on its class path.
 */
class SplitPackagesTest {

  private static final JavaClasses MAIN_CLASSES =
      new ClassFileImporter()
          .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
          .importPackages("io.promptyard");

  @Test
  void noPackageIsSplitAcrossModules() {
    Map<String, Set<String>> modulesOfPackage = new TreeMap<>();
    for (JavaClass c : MAIN_CLASSES) {
      modulesOfPackage.computeIfAbsent(c.getPackageName(), p -> new TreeSet<>()).add(module(c));
    }

    assertThat(modulesOfPackage)
        .as("the modules of each package")
        .isNotEmpty()
        .allSatisfy(
            (pkg, modules) -> assertThat(modules).as("modules with classes in %s", pkg).hasSize(1));
  }

  /**
   * The jar, or the classes directory of a module built in this reactor, that {@code c} was read
   * from.
   */
  private static String module(JavaClass c) {
    String uri = c.getSource().orElseThrow().getUri().toString();
    int inJar = uri.indexOf("!/");
    if (inJar >= 0) {
      return uri.substring(0, inJar);
    }
    int inDirectory = uri.indexOf("/target/classes/");
    return inDirectory >= 0 ? uri.substring(0, inDirectory) : uri;
  }
}
