package io.promptyard.cli.cache;

import io.promptyard.cli.ConnectionOptions;
import java.net.URI;
import picocli.CommandLine.Option;

/** {@code --redis-url} of the cache commands: the workers' Redis. */
final class RedisUrlOption {

  @Option(
      names = "--redis-url",
      paramLabel = "URL",
      description =
          "the workers' Redis (else env PROMPTYARD_REDIS_URL, else redis.url in the config file, "
              + "else redis://127.0.0.1:6379)")
  String flag;

  /** The flag's URL, else the environment's or the config file's, else the local Redis. */
  URI resolve(ConnectionOptions connection) {
    return URI.create(connection.redisUrl(flag));
  }
}
