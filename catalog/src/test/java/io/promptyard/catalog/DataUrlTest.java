package io.promptyard.catalog;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Base64 data URLs taken apart as RFC 2397 writes them; anything else is not one. */
class DataUrlTest {

  @Test
  void theMediaTypeParametersAndDataAreTakenApart() {
    DataUrl url =
        DataUrl.base64("data:image/svg+xml;charset=utf-8;;base64,PHN2Zz4=,x").orElseThrow();

    assertThat(url.mediaType()).isEqualTo("image/svg+xml");
    assertThat(url.parameters()).containsExactly("charset=utf-8", "");
    assertThat(url.data()).isEqualTo("PHN2Zz4=,x");
    assertThat(DataUrl.base64("DATA:image/png;BASE64,AAAA").orElseThrow().parameters()).isEmpty();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "data:image/png,AAAA",
        "data:;base64,AAAA",
        "data:image/png;base64",
        "data:image/png;base64;charset=x,AAAA",
        "https://example.com/data:image/png;base64,AAAA",
        "dat"
      })
  void otherUrlsAreNotBase64DataUrls(String url) {
    assertThat(DataUrl.base64(url)).isEmpty();
  }

  @Test
  void thousandsOfParametersAreReadWithoutRecursion() {
    String url = "data:image/png" + ";a=b".repeat(50_000) + ";base64,AAAA";

    assertThat(DataUrl.base64(url).orElseThrow().parameters()).hasSize(50_000);
  }
}
