package io.promptyard.router;

import io.promptyard.schemas.config.BindAddress;
import io.promptyard.schemas.config.ConfigKey;
import io.promptyard.schemas.config.Settings;
import io.promptyard.schemas.http.HttpTokens;
import java.util.List;

/**
 * Where the router serves {@code GET /metrics} and {@code GET /health}, if anywhere.
 *
 * @param bindAddress the address to listen on ({@code 0.0.0.0}: every interface)
 * @param port the port; 0 picks a free one, -1 serves none
 * @param tokens the bearer token {@code /metrics} requires, if any
 */
public record RouterHttp(String bindAddress, int port, HttpTokens tokens) {

  public static final ConfigKey PORT =
      new ConfigKey(
          "PROMPTYARD_ROUTER_HTTP_PORT",
          "8080",
          "port of GET /metrics and GET /health; 0 picks a free port, -1 serves none");
  public static final ConfigKey BIND =
      new ConfigKey(
          "PROMPTYARD_ROUTER_HTTP_BIND",
          "0.0.0.0",
          "address GET /metrics and GET /health listen on; 0.0.0.0 is every interface, 127.0.0.1 this host only");
  public static final ConfigKey TOKEN =
      new ConfigKey(
          "PROMPTYARD_ROUTER_HTTP_TOKEN",
          null,
          "bearer token GET /metrics requires (at least 16 characters); unset: none, /metrics is open. GET /health stays open");
  public static final ConfigKey TOKEN_FILE =
      new ConfigKey(
          "PROMPTYARD_ROUTER_HTTP_TOKEN_FILE",
          null,
          "file holding the bearer token GET /metrics requires, instead of PROMPTYARD_ROUTER_HTTP_TOKEN");

  public static final List<ConfigKey> KEYS = List.of(PORT, BIND, TOKEN, TOKEN_FILE);

  /** No endpoints: a router embedded in another process (promptyard dev, tests, benchmarks). */
  public static final RouterHttp NONE = new RouterHttp("0.0.0.0", -1, HttpTokens.NONE);

  public static RouterHttp from(Settings s) {
    return new RouterHttp(
        BindAddress.parse(BIND, s),
        s.intValue(PORT, -1, 65_535),
        HttpTokens.from(s, TOKEN, TOKEN_FILE));
  }

  /** Whether there are endpoints to serve. */
  public boolean serves() {
    return port >= 0;
  }
}
