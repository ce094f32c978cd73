package io.promptyard.systemtests.example;

import io.promptyard.client.CompletionRequests;
import io.promptyard.client.PromptyardClient;
import io.promptyard.schemas.CompletionResult;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;

public class QuickStart {

  /** The shape of a typed answer: any record or bean Jackson can bind. */
  record City(String name, String country, int population) {}

  public static void main(String[] args) throws Exception {
    try (PromptyardClient client =
        PromptyardClient.builder()
            .bootstrapServers(args.length > 0 ? args[0] : "localhost:9092")
            .defaultTeam("search")
            // this instance's name: it reads its results from promptyard.replies.search.quickstart
            .clientId("quickstart")
            .timeout(Duration.ofMinutes(2))
            .build()) {

      // One request, one result (correlated by request id on the client's reply topic).
      CompletionResult result =
          client
              .submit(
                  CompletionRequests.builder()
                      .model("cheap")
                      .system("You are terse.")
                      .user("Explain Kafka in one sentence.")
                      .maxTokens(200)
                      .build())
              .get();
      System.out.println(
          result.getStatus()
              + " from "
              + result.getProvider()
              + ": "
              + result.getOutput().getText());

      // Streaming: each delta as the provider sends it, then the result.
      CompletionResult streamed =
          client.stream(
                  CompletionRequests.builder()
                      .model("fast")
                      .user("Write a haiku about logs.")
                      .build(),
                  delta -> System.out.print(delta))
              .get();
      System.out.println(" (" + streamed.getUsage().getOutputTokens() + " tokens)");

      // A typed answer: City's JSON Schema is sent, the answer validated and bound (one repair if
      // it does not fit).
      City city =
          client
              .submit(
                  CompletionRequests.builder()
                      .model("cheap")
                      .user("Which is the largest city of Japan?")
                      .build(),
                  City.class)
              .get();
      System.out.println(city);

      // Many requests, at most maxOutstanding (default 256) awaiting a result at once.
      List<CompletionResult> poems =
          client
              .submitAll(
                  Stream.of("red", "green", "blue")
                      .map(
                          colour ->
                              CompletionRequests.builder()
                                  .model("cheap")
                                  .user("A short poem about " + colour)
                                  .build()),
                  progress ->
                      System.out.println(progress.completed() + "/" + progress.sent() + " done"))
              .get();
      System.out.println(poems.size() + " poems");
    }
  }
}
