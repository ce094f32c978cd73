package io.promptyard.router.budget;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * One routed request's hold on its team's budget, as the router's reservation store keeps it.
 *
 * @param team whose budget it holds
 * @param micros the request's maximum cost
 * @param tokens the request's maximum tokens (input + output)
 * @param expiresAtMillis when it is dropped if nothing settled it (epoch milliseconds)
 */
record Reservation(String team, long micros, long tokens, long expiresAtMillis) {

  byte[] encode() {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(32 + team.length());
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      out.writeUTF(team);
      out.writeLong(micros);
      out.writeLong(tokens);
      out.writeLong(expiresAtMillis);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }

  static Reservation decode(byte[] raw) {
    try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(raw))) {
      return new Reservation(in.readUTF(), in.readLong(), in.readLong(), in.readLong());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
