package io.promptyard.schemas.config;

import java.net.InetAddress;
import java.net.UnknownHostException;

/** The address a service's HTTP server listens on, read from a configuration key. */
public final class BindAddress {

  private BindAddress() {}

  /**
   * The value of {@code key} or its default: an IP address ({@code 0.0.0.0} for every interface,
   * {@code 127.0.0.1} for this host only) or a host name this host resolves.
   */
  public static String parse(ConfigKey key, Settings s) {
    String v = s.require(key);
    try {
      InetAddress.getByName(v);
    } catch (UnknownHostException e) {
      throw new ConfigException(
          key.name()
              + "="
              + v
              + " is neither an IP address nor a host name that resolves: "
              + key.doc());
    }
    return v;
  }
}
