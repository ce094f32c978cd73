package io.promptyard.testkit.kafka;

import java.io.IOException;
import java.io.OutputStream;
import java.math.BigInteger;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * A PKCS12 key store holding a certificate for {@code localhost} and a trust store holding the
 * certificate authority that signed it, both made when a test starts (nothing is checked in), so
 * the embedded broker can serve TLS that clients verify, host name included, as against a real
 * cluster.
 *
 * @param keystore the broker's key and certificate chain
 * @param truststore the certificate authority clients trust
 * @param password the password of both stores and of the key
 */
record TlsStores(Path keystore, Path truststore, String password) {

  private static final String SIGNATURE = "SHA256withECDSA";

  /** Generates a certificate authority and a localhost certificate, valid for one day. */
  static TlsStores create(Path dir, String password, Clock clock) {
    try {
      Instant now = clock.instant();
      // a minute back, so a broker whose clock is slightly behind still accepts it
      Instant from = now.minus(Duration.ofMinutes(1));
      Instant until = now.plus(Duration.ofDays(1));
      KeyPair caKeys = keyPair();
      X500Name caName = new X500Name("CN=Promptyard test CA");
      X509Certificate ca =
          sign(
              new JcaX509v3CertificateBuilder(
                      caName,
                      BigInteger.ONE,
                      Date.from(from),
                      Date.from(until),
                      caName,
                      caKeys.getPublic())
                  .addExtension(Extension.basicConstraints, true, new BasicConstraints(true))
                  .addExtension(
                      Extension.keyUsage,
                      true,
                      new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign)),
              caKeys.getPrivate());
      KeyPair brokerKeys = keyPair();
      X509Certificate broker =
          sign(
              new JcaX509v3CertificateBuilder(
                      caName,
                      BigInteger.TWO,
                      Date.from(from),
                      Date.from(until),
                      new X500Name("CN=localhost"),
                      brokerKeys.getPublic())
                  .addExtension(
                      Extension.subjectAlternativeName,
                      false,
                      new GeneralNames(
                          new GeneralName[] {
                            new GeneralName(GeneralName.dNSName, "localhost"),
                            new GeneralName(
                                GeneralName.iPAddress,
                                InetAddress.getLoopbackAddress().getHostAddress())
                          })),
              caKeys.getPrivate());

      KeyStore keys = emptyStore();
      keys.setKeyEntry(
          "broker",
          brokerKeys.getPrivate(),
          password.toCharArray(),
          new Certificate[] {broker, ca});
      KeyStore trust = emptyStore();
      trust.setCertificateEntry("ca", ca);
      TlsStores stores =
          new TlsStores(dir.resolve("broker.p12"), dir.resolve("truststore.p12"), password);
      write(keys, stores.keystore(), password);
      write(trust, stores.truststore(), password);
      return stores;
    } catch (GeneralSecurityException | IOException | OperatorCreationException e) {
      throw new IllegalStateException("could not create TLS certificates for the test broker", e);
    }
  }

  private static KeyPair keyPair() throws GeneralSecurityException {
    KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
    generator.initialize(new ECGenParameterSpec("secp256r1"));
    return generator.generateKeyPair();
  }

  private static X509Certificate sign(X509v3CertificateBuilder certificate, PrivateKey issuer)
      throws OperatorCreationException, GeneralSecurityException {
    return new JcaX509CertificateConverter()
        .getCertificate(certificate.build(new JcaContentSignerBuilder(SIGNATURE).build(issuer)));
  }

  private static KeyStore emptyStore() throws GeneralSecurityException, IOException {
    KeyStore store = KeyStore.getInstance("PKCS12");
    store.load(null, null);
    return store;
  }

  private static void write(KeyStore store, Path file, String password)
      throws GeneralSecurityException, IOException {
    try (OutputStream out = Files.newOutputStream(file)) {
      store.store(out, password.toCharArray());
    }
  }
}
