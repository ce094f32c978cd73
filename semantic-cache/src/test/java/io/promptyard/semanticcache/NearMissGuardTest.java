package io.promptyard.semanticcache;

import static org.assertj.core.api.Assertions.assertThat;

import io.promptyard.semanticcache.NearMissGuard.Difference;
import io.promptyard.semanticcache.NearMissGuard.NearMiss;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class NearMissGuardTest {

  @ParameterizedTest(name = "{0} | {1}")
  @CsvSource(
      delimiter = '|',
      textBlock =
          """
          What is the capital of France?                | Which city is the capital of France?
          How do I reverse a list in Python?            | What's the way to reverse a Python list?
          Why doesn't my build work?                    | Why does my build not work?
          Convert 5 km to miles.                        | Convert five kilometres to miles.
          How many seconds are in 2 hours?              | How many seconds are there in two hours?
          What is 1,000 times 3?                        | What is 1000 times 3?
          Who wrote Pride and Prejudice?                | who wrote pride and prejudice
          How do I install Node.js on Ubuntu?           | How can I install Node.js on Ubuntu?
          Give me twenty-five ideas.                    | Give me 25 ideas.
          What's France's population?                   | What is the population of France?
          Which one is better for beginners?            | Which is better for beginners?
          WHAT IS THE CAPITAL OF FRANCE                 | what is the capital of france
          """)
  void paraphrasesPass(String asked, String cached) {
    assertThat(NearMissGuard.compare(asked, cached)).isEmpty();
  }

  @ParameterizedTest(name = "{1} | {2}")
  @CsvSource(
      delimiter = '|',
      textBlock =
          """
          NUMBER      | Convert 5 km to miles.                   | Convert 8 km to miles.
          NUMBER      | Convert 5 km to miles.                   | Convert eight km to miles.
          NUMBER      | Give me three ideas.                     | Give me 4 ideas.
          NUMBER      | Write twenty-five lines.                 | Write twenty-six lines.
          NUMBER      | What happened in 1969?                   | What happened in 1989?
          NUMBER      | Explain the 1st amendment.               | Explain the second amendment.
          NUMBER      | How much is 2 million dollars in euros?  | How much is 2 billion dollars in euros?
          NUMBER      | What is the half-life of carbon-14?      | What is the half-life of carbon-12?
          NUMBER      | What is 0.5 of 10?                       | What is half of 12?
          NEGATION    | Is coffee good for you?                  | Is coffee not good for you?
          NEGATION    | Why does my code compile?                | Why doesn't my code compile?
          NEGATION    | Should I take it with food?              | Should I take it without food?
          NEGATION    | Which birds sing at night?               | Which birds never sing at night?
          UNIT        | Convert 5 km to miles.                   | Convert 5 km to yards.
          UNIT        | How many seconds are in a day?           | How many minutes are in a day?
          UNIT        | What is 20 percent of the budget?        | What is 20 dollars of the budget?
          UNIT        | Convert 100 dollars to euros.            | Convert 100 dollars to ¥.
          ENTITY      | What is the capital of France?           | What is the capital of Germany?
          ENTITY      | How do I handle errors in Java?          | How do I handle errors in Kotlin?
          ENTITY      | Translate hello into Spanish.            | Translate hello into Italian.
          ENTITY      | Compare the iPhone with the Pixel.       | Compare the iPhone with the Galaxy.
          ENTITY      | How do I deploy to AWS?                  | How do I deploy to GCP?
          DIRECTION   | Convert 5 km to miles.                   | Convert 5 miles to km.
          DIRECTION   | Translate it from English to French.     | Translate it from French to English.
          DIRECTION   | Is Python faster than Java?              | Is Java faster than Python?
          DIRECTION   | How do I get from the airport to the hotel? | How do I get from the hotel to the airport?
          COMPARATIVE | What is the fastest land animal?         | What is the slowest land animal?
          COMPARATIVE | Which fruit has more vitamin C?          | Which fruit has less vitamin C?
          COMPARATIVE | What is the best way to invest?          | What is the worst way to invest?
          COMPARATIVE | Which sorting algorithm is faster here?  | Which sorting algorithm is fastest here?
          OPPOSITE    | What are the advantages of remote work?  | What are the disadvantages of remote work?
          OPPOSITE    | How do I encrypt a file?                 | How do I decrypt a file?
          OPPOSITE    | What are the strengths of agile?         | What are the weaknesses of agile?
          OPPOSITE    | What time is it in Tokyo at 9 am?        | What time is it in Tokyo at 9 pm?
          OPPOSITE    | How do I upgrade from version 17?        | How do I downgrade from version 17?
          LANGUAGE    | What is the capital of Spain?            | ¿Cuál es la capital de España?
          LANGUAGE    | What is the weather like today?          | Wie ist das Wetter heute?
          LANGUAGE    | How do I say thank you?                  | Как сказать спасибо?
          """)
  void nearMissesAreRefused(Difference difference, String asked, String cached) {
    Optional<NearMiss> miss = NearMissGuard.compare(asked, cached);

    assertThat(miss).map(NearMiss::difference).contains(difference);
  }

  /**
   * A prompt of one long dotted number or hyphenated word, compared on a thread with a worker
   * thread's stack: the tokenizer's pattern recursed once per part and overflowed it.
   */
  @Test
  void longDottedNumbersAndHyphenatedWordsAreComparedWithinAThreadsStack() throws Exception {
    java.util.concurrent.FutureTask<Optional<NearMiss>> compared =
        new java.util.concurrent.FutureTask<>(
            () -> NearMissGuard.compare("1.".repeat(20_000) + "1", "a-".repeat(20_000) + "a"));
    new Thread(null, compared, "comparing", 1024 * 1024).start();

    assertThat(compared.get()).isPresent();
  }
}
