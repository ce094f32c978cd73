package io.promptyard.testkit.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

class LocalServiceTest {

  @Test
  void redisCountsAsHereOnlyWhenItAnswersPingWithPong() throws Exception {
    try (ServerSocket redis = answering("+PONG\r\n");
        ServerSocket other = answering("HTTP/1.1 400 Bad Request\r\n")) {
      assertThat(LocalService.redisAnswers("127.0.0.1", redis.getLocalPort())).isTrue();
      assertThat(LocalService.redisAnswers("127.0.0.1", other.getLocalPort()))
          .as("something else on the port")
          .isFalse();
    }
    int closed;
    try (ServerSocket s = new ServerSocket(0)) {
      closed = s.getLocalPort();
    }
    assertThat(LocalService.redisAnswers("127.0.0.1", closed)).as("nothing on the port").isFalse();
  }

  @Test
  void eachMissingServiceSaysWhatToStartOrInstallAndThatCiDoes() {
    assertThat(LocalService.REDIS.missing())
        .contains("127.0.0.1:6379", "redis-server --daemonize yes", ".ci/run does");
    assertThat(LocalService.REDIS_SERVER.missing())
        .contains("redis-server program on the PATH", "apt-get install redis-server");
    assertThat(LocalService.CHROMIUM.missing())
        .contains(
            "/usr/bin/chromium",
            "/usr/bin/chromedriver",
            "apt-get install chromium chromium-driver");
  }

  /** A server that answers its first connection's first line with {@code reply}. */
  private static ServerSocket answering(String reply) throws IOException {
    ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
    CompletableFuture.runAsync(
        () -> {
          try (Socket client = server.accept()) {
            client.getInputStream().readNBytes("PING\r\n".length());
            client.getOutputStream().write(reply.getBytes(StandardCharsets.US_ASCII));
          } catch (IOException e) {
            // the test closed the server first
          }
        });
    return server;
  }
}
