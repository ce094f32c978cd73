package io.promptyard.schemas.runtime;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A temporary directory that a service or broker owns while it runs and deletes, with its contents,
 * on close.
 */
public final class ScratchDirectory {

  private static final Logger log = LoggerFactory.getLogger(ScratchDirectory.class);

  private ScratchDirectory() {}

  /** Creates a new directory under the system's temporary directory. */
  public static Path create(String prefix) {
    try {
      return Files.createTempDirectory(prefix);
    } catch (IOException e) {
      throw new UncheckedIOException(
          "cannot create a temporary directory " + prefix + "*: " + e.getMessage(), e);
    }
  }

  /** Deletes the directory and everything in it; a failure is logged, never thrown. */
  public static void delete(Path dir) {
    if (dir == null || !Files.exists(dir)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(dir)) {
      walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException | UncheckedIOException e) {
      log.warn("could not delete {}: {}", dir, e.toString());
    }
  }
}
