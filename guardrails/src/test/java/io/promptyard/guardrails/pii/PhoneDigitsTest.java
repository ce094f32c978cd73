package io.promptyard.guardrails.pii;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.i18n.phonenumbers.PhoneNumberUtil;
import com.google.i18n.phonenumbers.PhoneNumberUtil.PhoneNumberFormat;
import com.google.i18n.phonenumbers.PhoneNumberUtil.PhoneNumberType;
import com.google.i18n.phonenumbers.Phonenumber.PhoneNumber;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class PhoneDigitsTest {

  private static final PhoneNumberUtil PHONES = PhoneNumberUtil.getInstance();
  private final PhoneDigits digits = new PhoneDigits(PHONES);

  @Test
  void neverSkipsATextInWhichLibphonenumberFindsANumber() {
    List<String> missed = new ArrayList<>();
    int checked = 0;
    for (String region : PHONES.getSupportedRegions()) {
      for (PhoneNumberType type : PhoneNumberType.values()) {
        PhoneNumber number = PHONES.getExampleNumberForType(region, type);
        if (number == null) {
          continue;
        }
        // National digits alone, as written at home, abroad with each caller's international
        // prefix, and with a plus sign.
        List<String[]> written = new ArrayList<>();
        written.add(new String[] {region, String.valueOf(number.getNationalNumber())});
        written.add(new String[] {region, PHONES.format(number, PhoneNumberFormat.NATIONAL)});
        for (String caller : List.of("US", "DE", "GB", "RU", "AU", "BR")) {
          written.add(
              new String[] {caller, PHONES.formatOutOfCountryCallingNumber(number, caller)});
          written.add(new String[] {caller, PHONES.format(number, PhoneNumberFormat.E164)});
        }
        for (String[] w : written) {
          String text = "Please ring " + w[1] + " before noon.";
          boolean found =
              PHONES
                  .findNumbers(text, w[0], PhoneNumberUtil.Leniency.VALID, 100)
                  .iterator()
                  .hasNext();
          checked++;
          if (found && !digits.mayHoldNumber(text, w[0])) {
            missed.add(w[0] + ": " + text);
          }
        }
      }
    }
    assertThat(checked).isGreaterThan(10_000);
    assertThat(missed).isEmpty();
  }

  @Test
  void skipsTextsWhoseDigitRunsAreTooShortForTheRegionsPlan() {
    assertThat(digits.mayHoldNumber("Benchmark question 3 #1234", "US")).isFalse();
    assertThat(digits.mayHoldNumber("In 2025 we shipped 1,204 orders, up 17%.", "US")).isFalse();
    assertThat(digits.mayHoldNumber("Ticket 48213, opened 12/06", "US")).isFalse();
    // Canada, which shares the US country code, has seven-digit numbers.
    assertThat(digits.mayHoldNumber("Call 555-0100 tomorrow", "US")).isTrue();
    assertThat(digits.mayHoldNumber("Call (201) 555-0123 tomorrow", "US")).isTrue();
    // With a plus sign anywhere, a short international number is possible.
    assertThat(digits.mayHoldNumber("Reach us at +43 1 2345", "US")).isTrue();
    // A region whose own plan has short numbers looks at short runs.
    assertThat(digits.mayHoldNumber("Ring 7290 today", "NU")).isTrue();
  }

  @Test
  void aRunSpansPhonePunctuationAndDigitsOfOtherScriptsButNotLetters() {
    assertThat(PhoneDigits.longestRun("(201) 555-0123")).isEqualTo(10);
    assertThat(PhoneDigits.longestRun("201 ext 5550123")).isEqualTo(7);
    assertThat(PhoneDigits.longestRun("201x555")).isEqualTo(6);
    assertThat(PhoneDigits.longestRun("２０１５５５０１２３")).isEqualTo(10);
    assertThat(PhoneDigits.longestRun("12     34")).isEqualTo(2);
  }
}
