package io.promptyard.router.budget;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;

/** The bytes of a reservation store's values: fields written and read in one fixed order. */
final class StoreBytes {

  /** Writes a value's fields. */
  interface Writer {
    void write(DataOutputStream out) throws IOException;
  }

  /** Reads a value's fields back. */
  interface Reader<T> {
    T read(DataInputStream in) throws IOException;
  }

  private StoreBytes() {}

  static byte[] write(Writer writer) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(64);
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      writer.write(out);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }

  static <T> T read(byte[] raw, Reader<T> reader) {
    try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(raw))) {
      return reader.read(in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
