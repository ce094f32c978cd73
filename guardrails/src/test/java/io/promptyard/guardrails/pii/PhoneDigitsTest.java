package io.promptyard.guardrails.pii;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.i18n.phonenumbers.PhoneNumberUtil;
import com.google.i18n.phonenumbers.PhoneNumberUtil.PhoneNumberFormat;
import com.google.i18n.phonenumbers.PhoneNumberUtil.PhoneNumberType;
import com.google.i18n.phonenumbers.Phonenumber.PhoneNumber;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
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
          checked++;
          if (found(text, w[0]) && !digits.mayHoldNumber(text, w[0])) {
            missed.add(w[0] + ": " + text);
          }
        }
      }
    }
    assertThat(checked).isGreaterThan(10_000);
    assertThat(missed).isEmpty();
  }

  @Test
  void neverSkipsANumberWrittenAsDigitsAloneWithPrefixesAndCountryCode() {
    // Digits without separators are where the upper bound applies: every way a caller might
    // write a valid number as one block (national prefix, country code without a plus, both, an
    // international prefix), and each with a digit too many.
    List<String> missed = new ArrayList<>();
    int checked = 0;
    for (String region : PHONES.getSupportedRegions()) {
      for (PhoneNumberType type : PhoneNumberType.values()) {
        PhoneNumber number = PHONES.getExampleNumberForType(region, type);
        if (number == null) {
          continue;
        }
        String national = PHONES.getNationalSignificantNumber(number);
        String code = String.valueOf(number.getCountryCode());
        String prefix = PHONES.getNddPrefixForRegion(region, true);
        prefix = prefix == null ? "" : prefix;
        List<String> forms =
            List.of(
                national,
                prefix + national,
                code + national,
                code + prefix + national,
                PHONES.formatOutOfCountryCallingNumber(number, "US").replaceAll("\\D", ""),
                PHONES.formatOutOfCountryCallingNumber(number, "DE").replaceAll("\\D", ""));
        for (String caller : List.of(region, "US", "DE", "IN")) {
          for (String form : forms) {
            for (String digitsOnly : List.of(form, form + "7", "1" + form, prefix + form)) {
              String text = "Reference " + digitsOnly + " #12, thanks";
              checked++;
              if (!digits.mayHoldNumber(text, caller) && found(text, caller)) {
                missed.add(caller + ": " + text);
              }
            }
          }
        }
      }
    }
    assertThat(checked).isGreaterThan(50_000);
    assertThat(missed).isEmpty();
  }

  @Test
  void neverSkipsARandomRunOfDigitsAndSeparatorsInWhichLibphonenumberFindsANumber() {
    Random random = new Random(20261207);
    String[] separators = {" ", "-", ".", "/", " - ", "(", ") ", "x", " #", "  ", "\u00A0"};
    List<String> missed = new ArrayList<>();
    int found = 0;
    int skipped = 0;
    for (String region : List.of("US", "GB", "DE", "FR", "IN", "CN", "JP", "AU", "CH", "NL")) {
      for (int n = 0; n < 3_000; n++) {
        StringBuilder run = new StringBuilder();
        int blocks = 1 + random.nextInt(4);
        for (int b = 0; b < blocks; b++) {
          if (b > 0) {
            run.append(separators[random.nextInt(separators.length)]);
          }
          int length = 1 + random.nextInt(b == 0 ? 16 : 8);
          for (int d = 0; d < length; d++) {
            run.append((char) ('0' + random.nextInt(10)));
          }
        }
        String text = "Ticket " + run + " is open";
        boolean holds = digits.mayHoldNumber(text, region);
        if (found(text, region)) {
          found++;
          if (!holds) {
            missed.add(region + ": " + text);
          }
        } else if (!holds) {
          skipped++;
        }
      }
    }
    assertThat(missed).isEmpty();
    // The check is worth having only if it skips many texts, and tests something only if
    // libphonenumber finds numbers in many.
    assertThat(found).isGreaterThan(1_000);
    assertThat(skipped).isGreaterThan(4_000);
  }

  @Test
  void skipsIdsTooLongToBeANumberOfTheRegionsPlan() {
    // A timestamp in milliseconds and an order number: more digits than a country code, national
    // prefix and the longest US or Canadian number together.
    assertThat(digits.mayHoldNumber("Benchmark question 1765065600000 #1234", "US")).isFalse();
    assertThat(digits.mayHoldNumber("order 2026120700001234 shipped", "US")).isFalse();
    // Germany's numbers are longer: 49, 0 and 15 digits.
    assertThat(digits.mayHoldNumber("Benchmark question 1765065600000 #1234", "DE")).isTrue();
    // Blocks of a long run may still form a number on their own.
    assertThat(digits.mayHoldNumber("ref 1765065600000 201-555-0123", "US")).isTrue();
    // Digits that start with the region's international prefix may be a number abroad.
    assertThat(digits.mayHoldNumber("dial 011442079460958 now", "US")).isTrue();
    // A region whose national prefix is a pattern (Brazil's carrier codes) keeps no upper bound.
    assertThat(digits.mayHoldNumber("order 2026120700001234 shipped", "BR")).isTrue();
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

  /** Whether libphonenumber finds a valid number in {@code text}. */
  private static boolean found(String text, String region) {
    return PHONES
        .findNumbers(text, region, PhoneNumberUtil.Leniency.VALID, 100)
        .iterator()
        .hasNext();
  }
}
