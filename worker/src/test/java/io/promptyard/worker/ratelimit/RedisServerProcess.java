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

  /** How many ports {@link #start} tries when another process takes the free one first. */
  private static final int PORT_TRIES = 3;

  private int port;
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

  /**
   * Starts the server. The port was free when this was made, but another test's JVM may have taken
   * it since: then the server is started again on another port (at most {@value #PORT_TRIES}
   * tries), so that the test never talks to a server not its own.
   */
  public RedisServerProcess start() throws IOException, InterruptedException {
    for (int tries = 1; !launch(); tries++) {
      if (tries == PORT_TRIES) {
        throw new IllegalStateException(
            "redis-server did not serve any of "
                + PORT_TRIES
                + " free ports (on each it exited or another process answered), the last "
                + port);
      }
      port = freePort();
    }
    return this;
  }

  /**
   * Runs {@code redis-server} on {@link #port}; whether it is the one answering there (false when
   * it could not bind the port, or another process answers on it).
   */
  private boolean launch() throws IOException, InterruptedException {
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
    Long answering =
        Awaitility.await()
            .atMost(Duration.ofSeconds(10))
            .ignoreExceptions()
            .until(this::pidAnsweringOrDead, pid -> pid != null);
    if (answering == process.pid()) {
      return true;
    }
    process.destroyForcibly();
    process.waitFor();
    process = null;
    return false;
  }

  /**
   * The process id of the server answering on {@link #port} (-1 when ours has exited), or null
   * while none answers.
   */
  private Long pidAnsweringOrDead() {
    if (!process.isAlive()) {
      return -1L;
    }
    try (Jedis j = new Jedis("127.0.0.1", port)) {
      return Long.parseLong(
          j.info("server")
              .lines()
              .filter(line -> line.startsWith("process_id:"))
              .findFirst()
              .orElseThrow()
              .substring("process_id:".length())
              .strip());
    }
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
    if (!launch()) {
      throw new IllegalStateException("another process took port " + port + " while restarting");
    }
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
