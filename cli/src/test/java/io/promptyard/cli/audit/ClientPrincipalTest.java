package io.promptyard.cli.audit;

import static org.assertj.core.api.Assertions.assertThat;

import io.promptyard.schemas.config.KafkaClientProperties;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The Kafka principal an audit record names, read from the operator's client properties. */
class ClientPrincipalTest {

  @Test
  void aScramLoginIsItsJaasUsernameAndNeverThePassword() {
    String principal =
        ClientPrincipal.of(
            props(
                Map.of(
                    "security.protocol", "SASL_SSL",
                    "sasl.mechanism", "SCRAM-SHA-512",
                    "sasl.jaas.config",
                        "org.apache.kafka.common.security.scram.ScramLoginModule required"
                            + " password=\"s3cret\" username=\"ops-alice\";")));

    assertThat(principal).isEqualTo("User:ops-alice").doesNotContain("s3cret");
  }

  @Test
  void anOauthBearerLoginIsItsClientId() {
    assertThat(
            ClientPrincipal.of(
                props(
                    Map.of(
                        "security.protocol", "SASL_SSL",
                        "sasl.mechanism", "OAUTHBEARER",
                        "sasl.oauthbearer.client.credentials.client.id", "promptyard-ops"))))
        .isEqualTo("User:promptyard-ops");
  }

  @Test
  void aSaslUsernameKeyIsTaken() {
    assertThat(
            ClientPrincipal.of(
                props(Map.of("security.protocol", "SASL_PLAINTEXT", "sasl.username", "bob"))))
        .isEqualTo("User:bob");
  }

  @Test
  void mutualTlsIsTheClientCertificatesSubject(@TempDir Path dir) throws Exception {
    Path keystore = dir.resolve("client.p12");
    Process keytool =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
                "-genkeypair",
                "-alias",
                "client",
                "-keyalg",
                "EC",
                "-dname",
                "CN=ops-carol,O=Acme",
                "-keystore",
                keystore.toString(),
                "-storetype",
                "PKCS12",
                "-storepass",
                "changeit",
                "-validity",
                "1")
            .redirectErrorStream(true)
            .start();
    assertThat(keytool.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(keytool.exitValue())
        .as(new String(keytool.getInputStream().readAllBytes()))
        .isZero();

    String principal =
        ClientPrincipal.of(
            props(
                Map.of(
                    "security.protocol", "SSL",
                    "ssl.keystore.location", keystore.toString(),
                    "ssl.keystore.type", "PKCS12",
                    "ssl.keystore.password", "changeit")));

    assertThat(principal).isEqualTo("User:CN=ops-carol,O=Acme");
    assertThat(Files.exists(keystore)).isTrue();
  }

  @Test
  void anUnreadableKeystoreOrNoSecurityIsAnonymous() {
    assertThat(ClientPrincipal.of(props(Map.of()))).isEqualTo(ClientPrincipal.ANONYMOUS);
    assertThat(
            ClientPrincipal.of(
                props(
                    Map.of(
                        "security.protocol", "SSL",
                        "ssl.keystore.location", "/nonexistent/client.p12",
                        "ssl.keystore.password", "changeit"))))
        .isEqualTo("User:ANONYMOUS");
    assertThat(
            ClientPrincipal.of(
                props(Map.of("security.protocol", "PLAINTEXT", "sasl.username", "ignored"))))
        .as("SASL settings count only when the protocol uses SASL")
        .isEqualTo("User:ANONYMOUS");
  }

  private static KafkaClientProperties props(Map<String, String> values) {
    return new KafkaClientProperties(values);
  }
}
