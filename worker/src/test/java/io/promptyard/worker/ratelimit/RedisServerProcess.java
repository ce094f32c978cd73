package io.promptyard.worker.ratelimit;

import java.io.IOException;
import java.net.ServerSocket;
import java.time.Duration;
import org.awaitility.Awaitility;
import redis.clients.jedis.Jedis;

/**
 * A throw-away {@code redis-server} child process on a free port, which a test can stop and start
 * again (empty: it saves nothing), pause and resume, or fill up until it refuses writes.
 */
public final class RedisServerProcess implements AutoCloseable {

  private final int port;
  private Process process;
  private boolean paused;

  public RedisServerProcess() {
    this.port = freePort();
  }

  public static int freePort() {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    } catch (IOException e) {
      throw new IllegalStateException("no free port", e);
    }
  }

  public int port() {
    return port;
  }

  public RedisServerProcess start() throws IOException {
    process =
        new ProcessBuilder(
                "redis-server",
                "--port",
                Integer.toString(port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no")
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.DISCARD)
            .start();
    Awaitility.await()
        .atMost(Duration.ofSeconds(10))
        .ignoreExceptions()
        .until(
            () -> {
              try (Jedis j = new Jedis("127.0.0.1", port)) {
                return "PONG".equals(j.ping());
              }
            });
    return this;
  }

  public void stop() throws IOException, InterruptedException {
    if (process != null) {
      if (paused) {
        resume();
      }
      process.destroy();
      process.waitFor();
      process = null;
    }
  }

  /** Kills the server with SIGKILL and starts an empty one on the same port. */
  public void restartEmpty() throws IOException, InterruptedException {
    process.destroyForcibly();
    process.waitFor();
    start();
  }

  /**
   * Freezes the server (SIGSTOP): connections stay open and commands go unanswered until {@link
   * #resume()}.
   */
  public void pause() throws IOException, InterruptedException {
    signal("STOP");
    paused = true;
  }

  /** Lets a paused server run again (SIGCONT). */
  public void resume() throws IOException, InterruptedException {
    signal("CONT");
    paused = false;
  }

  private void signal(String name) throws IOException, InterruptedException {
    int exit =
        new ProcessBuilder("kill", "-" + name, Long.toString(process.pid()))
            .inheritIO()
            .start()
            .waitFor();
    if (exit != 0) {
      throw new IllegalStateException(
          "kill -" + name + " " + process.pid() + " exited with " + exit);
    }
  }

  /**
   * Fills the server with 2 MiB of filler keys and lowers its {@code maxmemory} to 1 MiB under
   * {@code noeviction}: from then on it refuses every command that stores data with an OOM error,
   * and still answers reads and deletes.
   */
  public void fillToMaxmemory() {
    try (Jedis j = new Jedis("127.0.0.1", port)) {
      j.configSet("maxmemory-policy", "noeviction");
      var filler = j.pipelined();
      String kilobyte = "x".repeat(1024);
      for (int i = 0; i < 2048; i++) {
        filler.set("filler:" + i, kilobyte);
      }
      filler.sync();
      j.configSet("maxmemory", "1mb");
    }
  }

  /** Lifts the memory limit {@link #fillToMaxmemory()} set: writes are accepted again. */
  public void liftMaxmemory() {
    try (Jedis j = new Jedis("127.0.0.1", port)) {
      j.configSet("maxmemory", "0");
    }
  }

  @Override
  public void close() throws IOException, InterruptedException {
    stop();
  }
}
