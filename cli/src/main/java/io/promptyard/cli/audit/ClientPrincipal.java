package io.promptyard.cli.audit;

import io.promptyard.schemas.config.KafkaClientProperties;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.Collections;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The Kafka principal a client acts as, as far as its own settings tell: {@code User:<name>} for a
 * SASL login (the JAAS {@code username}, or an OAUTHBEARER client id), {@code User:<subject>} for a
 * TLS client certificate (Kafka's default principal for mutual TLS), else {@code User:ANONYMOUS}.
 * The broker may map names otherwise (principal builders, Kerberos rules); the audit trail records
 * what the client presented. Never reads or returns a password.
 */
public final class ClientPrincipal {

  /** Kafka's principal for a client with neither SASL nor a client certificate. */
  public static final String ANONYMOUS = "User:ANONYMOUS";

  /** {@code username="..."}, {@code clientId="..."} or {@code principal="..."} in a JAAS line. */
  private static final Pattern JAAS_NAME =
      Pattern.compile("\\b(username|clientId|principal)\\s*=\\s*\"([^\"]*)\"");

  private static final Pattern PEM_CERTIFICATE =
      Pattern.compile(
          "-----BEGIN CERTIFICATE-----[^-]+-----END CERTIFICATE-----", Pattern.MULTILINE);

  private ClientPrincipal() {}

  /** The principal these client properties log in as. */
  public static String of(KafkaClientProperties properties) {
    Map<String, String> p = properties.values();
    String protocol = p.getOrDefault("security.protocol", "PLAINTEXT").toUpperCase(Locale.ROOT);
    if (protocol.startsWith("SASL")) {
      Optional<String> name = saslName(p);
      if (name.isPresent()) {
        return "User:" + name.get();
      }
    }
    if (protocol.equals("SSL") || protocol.equals("SASL_SSL")) {
      Optional<String> subject = certificateSubject(p);
      if (subject.isPresent()) {
        return "User:" + subject.get();
      }
    }
    return ANONYMOUS;
  }

  private static Optional<String> saslName(Map<String, String> p) {
    for (String key :
        new String[] {"sasl.username", "sasl.oauthbearer.client.credentials.client.id"}) {
      String v = p.get(key);
      if (v != null && !v.isBlank()) {
        return Optional.of(v.trim());
      }
    }
    String jaas = p.get("sasl.jaas.config");
    if (jaas != null) {
      Matcher m = JAAS_NAME.matcher(jaas);
      if (m.find()) {
        return Optional.of(m.group(2));
      }
    }
    return Optional.empty();
  }

  /** The subject of the client certificate in the keystore (a file, or PEM text), if readable. */
  private static Optional<String> certificateSubject(Map<String, String> p) {
    String type = p.getOrDefault("ssl.keystore.type", "JKS").toUpperCase(Locale.ROOT);
    try {
      String chain = p.get("ssl.keystore.certificate.chain");
      if (chain != null) {
        return pemSubject(chain);
      }
      String location = p.get("ssl.keystore.location");
      if (location == null) {
        return Optional.empty();
      }
      Path file = Path.of(location);
      if (type.equals("PEM")) {
        return pemSubject(Files.readString(file, StandardCharsets.US_ASCII));
      }
      String password = p.get("ssl.keystore.password");
      KeyStore store = KeyStore.getInstance(type);
      try (InputStream in = Files.newInputStream(file)) {
        store.load(in, password == null ? null : password.toCharArray());
      }
      for (String alias : Collections.list(store.aliases())) {
        if (store.isKeyEntry(alias)
            && store.getCertificate(alias) instanceof X509Certificate certificate) {
          return Optional.of(certificate.getSubjectX500Principal().getName());
        }
      }
      return Optional.empty();
    } catch (IOException | GeneralSecurityException | RuntimeException e) {
      // An unreadable keystore leaves the principal unknown here; the Kafka client itself reports
      // why it cannot use it.
      return Optional.empty();
    }
  }

  private static Optional<String> pemSubject(String pem) throws GeneralSecurityException {
    Matcher m = PEM_CERTIFICATE.matcher(pem);
    if (!m.find()) {
      return Optional.empty();
    }
    Certificate c =
        CertificateFactory.getInstance("X.509")
            .generateCertificate(
                new java.io.ByteArrayInputStream(m.group().getBytes(StandardCharsets.US_ASCII)));
    return c instanceof X509Certificate x
        ? Optional.of(x.getSubjectX500Principal().getName())
        : Optional.empty();
  }
}
