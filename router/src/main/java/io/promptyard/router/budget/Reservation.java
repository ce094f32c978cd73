package io.promptyard.router.budget;

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
    return StoreBytes.write(
        out -> {
          out.writeUTF(team);
          out.writeLong(micros);
          out.writeLong(tokens);
          out.writeLong(expiresAtMillis);
        });
  }

  static Reservation decode(byte[] raw) {
    return StoreBytes.read(
        raw, in -> new Reservation(in.readUTF(), in.readLong(), in.readLong(), in.readLong()));
  }
}
