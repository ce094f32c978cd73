package io.promptyard.cli;

import io.promptyard.catalog.ModelCatalog;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/**
 * The model catalog a command consults ({@code dlq replay --to-provider}, {@code topics}): {@code
 * --catalog FILE}, else the file env PROMPTYARD_CATALOG names, else the bundled catalog.
 */
public final class CatalogOption {

  @Option(
      names = "--catalog",
      paramLabel = "FILE",
      description = "model catalog (env PROMPTYARD_CATALOG; the bundled one when unset)",
      defaultValue = "${env:PROMPTYARD_CATALOG}")
  Path file;

  /** The catalog: the named file's, else the bundled one. */
  public ModelCatalog load() {
    return file == null ? ModelCatalog.bundled() : ModelCatalog.load(file);
  }
}
