package io.promptyard.bench;

import io.promptyard.guardrails.Action;
import io.promptyard.guardrails.Detector;
import io.promptyard.guardrails.Guard;
import io.promptyard.guardrails.GuardPolicy;
import io.promptyard.router.guard.GuardStage;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * CPU time and allocation of the guard per request, on the thread that runs it, for three kinds of
 * request: a 1.2 KB support ticket with personal data, the router benchmark's requests (50–2,000
 * characters), and a 4.6 KB document to summarise; each with all detectors, the PII and secret
 * detectors alone, and the injection detector alone. CPU time, not wall-clock time, so other load
 * on the machine moves the figures less.
 */
public final class GuardBenchmark extends NamedBenchmark {

  private static final int WARMUP = Integer.getInteger("promptyard.bench.guard.warmup", 3_000);
  private static final int REQUESTS = Integer.getInteger("promptyard.bench.guard.requests", 10_000);

  /** A support ticket as a team would send it: a system prompt and a customer's email. */
  static List<String> typicalPrompt() {
    String system =
        "You are a support assistant for an online shop. Answer politely, in the customer's language,"
            + " in at most five sentences. Never promise refunds above the order value; escalate"
            + " disputes to a human agent and say so.";
    String email =
        "Hello, I ordered a pair of running shoes on 2026-11-14 (order #4471920385) and the parcel"
            + " still has not arrived. The tracking page has said 'in transit' for nine days now. I"
            + " paid with my card 4539 1488 0343 6467 and I can see the charge of $129.90 on my"
            + " statement. Could you check with the courier, or send a replacement pair in size 42?"
            + " If that is not possible I would like a refund to the same card. You can reach me at"
            + " maria.gonzalez@example.com or on (415) 555-2671 between 9am and 5pm Pacific time."
            + " I have been a customer for six years and this is the first time anything like this"
            + " has happened, so I hope we can sort it out quickly. I also tried the chat on your"
            + " website yesterday, but it kept restarting after the second message. My account is"
            + " registered under the same email address. Thank you in advance for your help, and"
            + " please ignore the duplicate message I sent from my phone this morning; it had a typo"
            + " in the order number. Best regards, Maria Gonzalez, 221 Baker Street, Springfield.";
    return List.of(system, email);
  }

  /** A long document to summarise: an incident review in Markdown, with a table and a timeline. */
  static List<String> documentPrompt() {
    try (InputStream in = GuardBenchmark.class.getResourceAsStream("guard-document.txt")) {
      if (in == null) {
        throw new IllegalStateException("guard-document.txt is missing from the class path");
      }
      return List.of(
          "Summarise the document the user sends in five bullet points for an executive.",
          new String(in.readAllBytes(), StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public GuardBenchmark() {
    super(
        "guard",
        "CPU µs and bytes allocated per request of the guardrails' detectors, per kind of request");
  }

  @Override
  void measure(Map<String, Object> figures, PrintWriter log) {
    Map<String, List<List<String>>> workloads = new LinkedHashMap<>();
    workloads.put("support", List.of(typicalPrompt()));
    workloads.put(
        "router", new RouterWorkload(2_000, 7).requests.stream().map(GuardStage::texts).toList());
    workloads.put("document", List.of(documentPrompt()));
    GuardPolicy all = GuardPolicy.DEFAULT;
    GuardPolicy injectionOnly = all;
    for (Detector d : Detector.values()) {
      if (d != Detector.INJECTION) {
        injectionOnly = injectionOnly.with(d, Action.OFF);
      }
    }
    Map<String, Guard> guards = new LinkedHashMap<>();
    guards.put("all", new Guard(all));
    guards.put("pii", new Guard(all.with(Detector.INJECTION, Action.OFF)));
    guards.put("injection", new Guard(injectionOnly));
    figures.put("requests", REQUESTS);
    for (var workload : workloads.entrySet()) {
      List<List<String>> requests = workload.getValue();
      figures.put(
          workload.getKey() + ".chars_per_request",
          requests.stream().flatMap(List::stream).mapToInt(String::length).sum() / requests.size());
      for (var guard : guards.entrySet()) {
        measure(workload.getKey() + "." + guard.getKey(), guard.getValue(), requests, figures, log);
      }
    }
    figures.put("load_average_1m", Figures.round(Figures.loadAverage(), 2));
  }

  private static void measure(
      String label,
      Guard guard,
      List<List<String>> requests,
      Map<String, Object> figures,
      PrintWriter log) {
    com.sun.management.ThreadMXBean threads =
        (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    long id = Thread.currentThread().threadId();
    int sink = 0;
    for (int i = 0; i < WARMUP; i++) {
      sink += guard.inspect(requests.get(i % requests.size())).verdicts().size();
    }
    long cpu = threads.getCurrentThreadCpuTime();
    long allocated = threads.getThreadAllocatedBytes(id);
    for (int i = 0; i < REQUESTS; i++) {
      sink += guard.inspect(requests.get(i % requests.size())).verdicts().size();
    }
    double cpuMicros = (threads.getCurrentThreadCpuTime() - cpu) / 1000.0 / REQUESTS;
    long allocatedPerRequest = (threads.getThreadAllocatedBytes(id) - allocated) / REQUESTS;
    log.printf(
        "%s: %.1f µs CPU, %d bytes allocated per request (%d verdicts seen)%n",
        label, cpuMicros, allocatedPerRequest, sink);
    figures.put(label + ".cpu_us_per_request", Figures.round(cpuMicros, 1));
    figures.put(label + ".bytes_per_request", allocatedPerRequest);
  }
}
