package io.promptyard.schemas.serde;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.apache.avro.Schema;

/**
 * Every released version of each record schema, kept as resources under {@code
 * schema-history/NAME/vN.avsc}. A reader registers them all, so records written by any release
 * still decode.
 */
public final class SchemaHistory {

  private SchemaHistory() {}

  /** The released versions of the named record, oldest first; empty if it was never released. */
  public static List<Schema> releasedVersions(String recordName) {
    List<Schema> versions = new ArrayList<>();
    for (int v = 1; ; v++) {
      String path = "/schema-history/" + recordName + "/v" + v + ".avsc";
      try (InputStream in = SchemaHistory.class.getResourceAsStream(path)) {
        if (in == null) {
          return versions;
        }
        versions.add(
            new Schema.Parser().parse(new String(in.readAllBytes(), StandardCharsets.UTF_8)));
      } catch (IOException e) {
        throw new UncheckedIOException("cannot read " + path, e);
      }
    }
  }
}
