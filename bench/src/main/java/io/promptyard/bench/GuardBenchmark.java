package io.promptyard.bench;

import io.promptyard.guardrails.Action;
import io.promptyard.guardrails.Detector;
import io.promptyard.guardrails.Guard;
import io.promptyard.guardrails.GuardPolicy;
import java.io.PrintWriter;
import java.lang.management.ManagementFactory;
import java.util.List;
import java.util.Map;

/**
 * CPU time and allocation of the guard per request, on the thread that runs it: all detectors on a
 * typical 1.2 KB support prompt with personal data, and the PII and injection detectors alone. CPU
 * time, not wall-clock time, so other load on the machine moves the figures less.
 */
public final class GuardBenchmark extends NamedBenchmark {

  private static final int WARMUP = 3_000;
  private static final int REQUESTS = 20_000;

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

  public GuardBenchmark() {
    super(
        "guard",
        "CPU µs and bytes allocated per request of the guardrails' detectors (1.2 KB prompt)");
  }

  @Override
  void measure(Map<String, Object> figures, PrintWriter log) {
    List<String> prompt = typicalPrompt();
    int bytes = prompt.stream().mapToInt(String::length).sum();
    GuardPolicy all = GuardPolicy.DEFAULT;
    GuardPolicy piiOnly = all.with(Detector.INJECTION, Action.OFF);
    GuardPolicy injectionOnly = all;
    for (Detector d : Detector.values()) {
      if (d != Detector.INJECTION) {
        injectionOnly = injectionOnly.with(d, Action.OFF);
      }
    }
    figures.put("prompt_chars", bytes);
    figures.put("requests", REQUESTS);
    measure("all", new Guard(all), prompt, figures, log);
    measure("pii", new Guard(piiOnly), prompt, figures, log);
    measure("injection", new Guard(injectionOnly), prompt, figures, log);
  }

  private static void measure(
      String label,
      Guard guard,
      List<String> prompt,
      Map<String, Object> figures,
      PrintWriter log) {
    com.sun.management.ThreadMXBean threads =
        (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    long id = Thread.currentThread().threadId();
    int sink = 0;
    for (int i = 0; i < WARMUP; i++) {
      sink += guard.inspect(prompt).verdicts().size();
    }
    long cpu = threads.getCurrentThreadCpuTime();
    long allocated = threads.getThreadAllocatedBytes(id);
    for (int i = 0; i < REQUESTS; i++) {
      sink += guard.inspect(prompt).verdicts().size();
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
