package io.promptyard.testkit.kafka;

import io.promptyard.schemas.runtime.ScratchDirectory;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.HexFormat;
import java.util.Map;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.common.config.SaslConfigs;
import org.apache.kafka.common.config.SslConfigs;
import org.apache.kafka.common.network.ListenerName;

/**
 * The secured client listener of an {@link EmbeddedKafka}: SASL_SSL with SCRAM-SHA-512 over TLS
 * from a certificate authority made at start-up, and the broker settings that go with it (the
 * standard authorizer, a super user, nothing allowed without an ACL). It owns the directory of its
 * key and trust stores.
 */
final class SaslSslListener implements AutoCloseable {

  static final ListenerName NAME = new ListenerName("SECURED");

  /** The super user, whose SCRAM credentials the broker gets once it runs. */
  static final String ADMIN = "admin";

  static final String MECHANISM = "SCRAM-SHA-512";

  private final Path dir;
  private final TlsStores stores;
  private final String adminPassword;

  private SaslSslListener(Path dir, TlsStores stores, String adminPassword) {
    this.dir = dir;
    this.stores = stores;
    this.adminPassword = adminPassword;
  }

  static SaslSslListener create() {
    Path dir = ScratchDirectory.create("promptyard-kafka-tls-");
    try {
      return new SaslSslListener(
          dir, TlsStores.create(dir, randomSecret(), Clock.systemUTC()), randomSecret());
    } catch (RuntimeException e) {
      ScratchDirectory.delete(dir);
      throw e;
    }
  }

  private static String randomSecret() {
    byte[] bytes = new byte[18];
    new SecureRandom().nextBytes(bytes);
    return HexFormat.of().formatHex(bytes);
  }

  String adminPassword() {
    return adminPassword;
  }

  /**
   * The broker's listeners: the test kit's own PLAINTEXT listeners (its broker listener, which also
   * carries inter-broker traffic, and the controller's) and this one. The PLAINTEXT connections are
   * authenticated as {@code User:ANONYMOUS}, which has to be a super user for the broker to
   * register with its controller before any ACL exists (KRaft can only bootstrap SCRAM credentials
   * at format time, which the test kit does not expose); clients are never given those listeners.
   */
  Map<String, String> brokerProperties(String testKitBrokerListener, String controllerListener) {
    String secured = NAME.value();
    String prefix = NAME.configPrefix();
    return Map.ofEntries(
        Map.entry(
            "listeners",
            testKitBrokerListener
                + "://localhost:0,"
                + secured
                + "://localhost:0,"
                + controllerListener
                + "://localhost:0"),
        Map.entry(
            "listener.security.protocol.map",
            testKitBrokerListener
                + ":PLAINTEXT,"
                + secured
                + ":SASL_SSL,"
                + controllerListener
                + ":PLAINTEXT"),
        Map.entry("sasl.enabled.mechanisms", MECHANISM),
        Map.entry(
            NAME.saslMechanismConfigPrefix(MECHANISM) + SaslConfigs.SASL_JAAS_CONFIG,
            "org.apache.kafka.common.security.scram.ScramLoginModule required;"),
        Map.entry(prefix + SslConfigs.SSL_KEYSTORE_TYPE_CONFIG, "PKCS12"),
        Map.entry(prefix + SslConfigs.SSL_KEYSTORE_LOCATION_CONFIG, stores.keystore().toString()),
        Map.entry(prefix + SslConfigs.SSL_KEYSTORE_PASSWORD_CONFIG, stores.password()),
        Map.entry(prefix + SslConfigs.SSL_KEY_PASSWORD_CONFIG, stores.password()),
        Map.entry(
            "authorizer.class.name", "org.apache.kafka.metadata.authorizer.StandardAuthorizer"),
        Map.entry("super.users", "User:" + ADMIN + ";User:ANONYMOUS"),
        Map.entry("allow.everyone.if.no.acl.found", "false"));
  }

  /** The settings a client needs to log in as {@code user} and trust the broker's certificate. */
  Map<String, Object> clientProperties(String user, String password) {
    return Map.of(
        CommonClientConfigs.SECURITY_PROTOCOL_CONFIG,
        "SASL_SSL",
        SaslConfigs.SASL_MECHANISM,
        MECHANISM,
        SaslConfigs.SASL_JAAS_CONFIG,
        "org.apache.kafka.common.security.scram.ScramLoginModule required username=\""
            + user
            + "\" password=\""
            + password
            + "\";",
        SslConfigs.SSL_TRUSTSTORE_TYPE_CONFIG,
        "PKCS12",
        SslConfigs.SSL_TRUSTSTORE_LOCATION_CONFIG,
        stores.truststore().toString(),
        SslConfigs.SSL_TRUSTSTORE_PASSWORD_CONFIG,
        stores.password());
  }

  @Override
  public void close() {
    ScratchDirectory.delete(dir);
  }
}
