package io.promptyard.testkit.local;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A service on this machine that integration tests use, how to tell that it is here, and what to do
 * when it is not.
 */
public enum LocalService {

  /** A Redis answering on 127.0.0.1:6379, shared by the tests (each keeps to keys of its own). */
  REDIS(
      "needs Redis on 127.0.0.1:6379, and none answers there: start one with "
          + "`redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save '' --appendonly no` (.ci/run does)") {
    @Override
    boolean present() {
      return redisAnswers("127.0.0.1", 6379);
    }
  },

  /**
   * The {@code redis-server} program, for tests that start, freeze, fill and restart Redis
   * processes of their own.
   */
  REDIS_SERVER(
      "needs the redis-server program on the PATH (it starts Redis processes of its own to stop, freeze and "
          + "restart them): install it, e.g. `sudo apt-get install redis-server` (.ci/run does)") {
    @Override
    boolean present() {
      return onPath("redis-server");
    }
  },

  /** Debian's headless Chromium and its chromedriver, where the dashboard test drives them. */
  CHROMIUM(
      "needs Chromium at /usr/bin/chromium and chromedriver at /usr/bin/chromedriver: install them, e.g. "
          + "`sudo apt-get install chromium chromium-driver` (.ci/run does)") {
    @Override
    boolean present() {
      return Files.isExecutable(CHROMIUM_BINARY) && Files.isExecutable(CHROMEDRIVER_BINARY);
    }
  },

  /**
   * Node.js and npm, for the examples written for Node (their packages come from the npm registry
   * at test time).
   */
  NODE(
      "needs Node.js 18 or later and npm on the PATH, and the npm registry: install them, e.g. "
          + "`sudo apt-get install nodejs npm` (.ci/run does)") {
    @Override
    boolean present() {
      return onPath("node") && onPath("npm");
    }
  };

  /** Where Debian installs Chromium. */
  private static final Path CHROMIUM_BINARY = Path.of("/usr/bin/chromium");

  /** Where Debian installs chromedriver. */
  private static final Path CHROMEDRIVER_BINARY = Path.of("/usr/bin/chromedriver");

  private static final int TIMEOUT_MILLIS = 2_000;

  private final String missing;

  LocalService(String missing) {
    this.missing = missing;
  }

  /** Whether the service is here now. */
  abstract boolean present();

  /**
   * What a test that needs the service says when it is missing: what it needs and how to get it.
   */
  String missing() {
    return missing;
  }

  static boolean redisAnswers(String host, int port) {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress(host, port), TIMEOUT_MILLIS);
      socket.setSoTimeout(TIMEOUT_MILLIS);
      socket.getOutputStream().write("PING\r\n".getBytes(StandardCharsets.US_ASCII));
      InputStream in = socket.getInputStream();
      return "+PONG".equals(new String(in.readNBytes(5), StandardCharsets.US_ASCII));
    } catch (IOException e) {
      return false;
    }
  }

  private static boolean onPath(String program) {
    for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
      if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, program))) {
        return true;
      }
    }
    return false;
  }
}
