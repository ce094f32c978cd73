package io.promptyard.cli.guard;

import io.promptyard.cli.KafkaClients;
import io.promptyard.guardrails.Action;
import io.promptyard.guardrails.Detector;
import io.promptyard.guardrails.Guard;
import io.promptyard.guardrails.GuardVerdict;
import io.promptyard.router.guard.GuardStage;
import io.promptyard.schemas.CompletionRequest;
import io.promptyard.schemas.ingress.InvalidRequestException;
import io.promptyard.schemas.ingress.JsonIngress;
import io.promptyard.schemas.ingress.ProducerText;
import io.promptyard.schemas.serde.AvroSerde;
import io.promptyard.schemas.serde.UndecodableRecordException;
import io.promptyard.schemas.topics.Topics;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;

/**
 * Replays the requests still retained on the ingress topics through a candidate guard policy: reads
 * every ingress topic (shared and teams' own, or with a team the shared ones and that team's) from
 * the offsets of a start time to the end offsets seen at the start, without a consumer group,
 * decodes each record as the router does, settles its team as the router does, and runs the guard
 * on the texts the router would inspect. Nothing is written anywhere.
 *
 * <p>Records are producers' input: one that does not decode, or that the router would refuse before
 * its guard (a team's topic carrying another team's request, a body beyond the limits), is counted
 * and skipped with its reason, which is masked like the samples. No detected value leaves this
 * class: samples show each value as its type ({@code [EMAIL]}), and at most {@link
 * #MAX_SAMPLE_CHARS} characters of each text.
 */
final class GuardBacktest {

  /** How many characters of each text a sample shows. */
  static final int MAX_SAMPLE_CHARS = 240;

  /** How often, in records, progress is written to standard error. */
  static final int PROGRESS_EVERY = 10_000;

  private final Guard guard;
  private final Topics topics;
  private final JsonIngress json;
  private final AvroSerde<CompletionRequest> avro = AvroSerde.of(CompletionRequest.class);

  GuardBacktest(Guard guard, Topics topics, JsonIngress json) {
    this.guard = guard;
    this.topics = topics;
    this.json = json;
  }

  /** What the policy would have done to one detector's findings, over every request read. */
  record DetectorCount(Detector detector, Action action, long requests, long findings) {}

  /** Records skipped for one kind of reason: how many, where the first was, and its reason. */
  record Skipped(String kind, long count, String first, String reason) {}

  /** A finding of a sample: where it is, never what. */
  record SampleFinding(
      int text, String detector, String type, int start, int end, double score, String action) {}

  /**
   * A request the policy acted on.
   *
   * @param at where it was read, {@code topic-partition@offset}
   * @param texts its inspected texts, each value shown as its type and cut to {@link
   *     #MAX_SAMPLE_CHARS}
   */
  record Sample(
      String at,
      Instant timestamp,
      String id,
      String team,
      String decision,
      List<SampleFinding> findings,
      List<String> texts) {}

  /**
   * What the backtest found.
   *
   * @param topics the topics read
   * @param records records read, skipped ones included
   * @param otherTeams requests of other teams than the one asked for, not inspected
   * @param templated inspected requests that name a template, whose texts were inspected as written
   *     (the router inspects them rendered)
   * @param decisions inspected requests by the strongest action taken on them ({@code allow} when
   *     none)
   */
  record Report(
      List<String> topics,
      long records,
      long requests,
      long otherTeams,
      long templated,
      Map<String, Long> decisions,
      List<DetectorCount> verdicts,
      List<Skipped> skipped,
      List<Sample> samples) {

    long skippedCount() {
      return skipped.stream().mapToLong(Skipped::count).sum();
    }
  }

  /**
   * Reads the ingress topics from {@code from} and runs the guard on each request.
   *
   * @param team the team whose requests to inspect, or null for every team's
   * @param samples how many requests the policy acted on to show
   * @param progress where to say how far the read has come
   */
  Report run(
      KafkaClients clients,
      Map<String, Object> clientConfig,
      Instant from,
      String team,
      int samples,
      PrintWriter progress) {
    Map<String, Object> config = new HashMap<>(clientConfig);
    config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    // the ingress topics of transactional producers: an aborted request was never sent
    config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    Tally tally = new Tally(samples);
    try (Consumer<String, byte[]> consumer = clients.consumer(config)) {
      List<String> read = ingressTopics(consumer, team);
      List<TopicPartition> partitions = new ArrayList<>();
      for (String topic : read) {
        List<PartitionInfo> infos = consumer.partitionsFor(topic);
        if (infos != null) {
          infos.forEach(p -> partitions.add(new TopicPartition(topic, p.partition())));
        }
      }
      tally.topics = read;
      if (partitions.isEmpty()) {
        return tally.report();
      }
      Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
      Map<TopicPartition, Long> times = new HashMap<>();
      partitions.forEach(p -> times.put(p, from.toEpochMilli()));
      Map<TopicPartition, OffsetAndTimestamp> starts = consumer.offsetsForTimes(times);
      consumer.assign(partitions);
      long total = 0;
      for (TopicPartition p : partitions) {
        OffsetAndTimestamp start = starts.get(p);
        // no record at or after the time: nothing of this partition to read
        long offset = start == null ? end.get(p) : Math.min(start.offset(), end.get(p));
        consumer.seek(p, offset);
        total += end.get(p) - offset;
      }
      progress.printf(
          "reading %d records of %d topics from %s up to their end now%n",
          total, read.size(), from);
      progress.flush();
      while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p))) {
        for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(200))) {
          if (r.offset() >= end.get(new TopicPartition(r.topic(), r.partition()))) {
            continue;
          }
          inspect(r, team, tally);
          if (tally.records % PROGRESS_EVERY == 0) {
            progress.printf("read %d of %d records%n", tally.records, total);
            progress.flush();
          }
        }
      }
    }
    return tally.report();
  }

  /** The ingress topics to read: the shared ones and every team's, or {@code team}'s only. */
  private List<String> ingressTopics(Consumer<String, byte[]> consumer, String team) {
    TreeSet<String> existing = new TreeSet<>(consumer.listTopics().keySet());
    List<String> wanted = new ArrayList<>(List.of(topics.requests(), topics.requestsJson()));
    if (team != null) {
      try {
        wanted.addAll(List.of(topics.teamRequests(team), topics.teamRequestsJson(team)));
      } catch (IllegalArgumentException e) {
        // a team name that cannot be a topic-name segment has no topics of its own
      }
    } else {
      existing.stream()
          .filter(
              t ->
                  topics.teamRequestsPattern().matcher(t).matches()
                      || topics.teamRequestsJsonPattern().matcher(t).matches())
          .forEach(wanted::add);
    }
    return wanted.stream().filter(existing::contains).distinct().toList();
  }

  /** Decodes one record as the router does and, when it is the team's request, guards it. */
  private void inspect(ConsumerRecord<String, byte[]> r, String team, Tally tally) {
    tally.records++;
    String at = r.topic() + "-" + r.partition() + "@" + r.offset();
    if (r.value() == null) {
      tally.skip("empty", at, "a record without a value");
      return;
    }
    CompletionRequest request;
    try {
      request =
          topics.isJsonIngress(r.topic()) ? json.read(r.value(), r.key()) : avro.decode(r.value());
    } catch (UndecodableRecordException e) {
      tally.skip("undecodable", at, e.getMessage());
      return;
    } catch (InvalidRequestException e) {
      tally.skip("invalid", at, e.getMessage());
      return;
    }
    Optional<String> topicTeam = topics.teamOf(r.topic());
    String claimed = request.getTeam();
    if (topicTeam.isPresent()
        && claimed != null
        && !claimed.isEmpty()
        && !claimed.equals(topicTeam.get())) {
      tally.skip(
          "refused",
          at,
          "the request names another team than the topic's, which the router refuses unguarded");
      return;
    }
    String owner = topicTeam.orElse(claimed == null ? "" : claimed);
    if (team != null && !team.equals(owner)) {
      tally.otherTeams++;
      return;
    }
    List<String> texts = GuardStage.texts(request);
    GuardVerdict verdict = guard.inspect(texts);
    tally.requests++;
    if (request.getTemplate() != null) {
      tally.templated++;
    }
    String decision = verdict.decision() == Action.OFF ? "allow" : verdict.decision().policyName();
    tally.decisions.merge(decision, 1L, Long::sum);
    for (GuardVerdict.DetectorVerdict v : verdict.verdicts()) {
      if (v.count() > 0) {
        tally
            .verdicts
            .computeIfAbsent(v.detector(), d -> new EnumMap<>(Action.class))
            .merge(
                v.action(),
                new long[] {1, v.count()},
                (a, b) -> new long[] {a[0] + 1, a[1] + b[1]});
      }
    }
    if (!decision.equals("allow") && tally.samples.size() < tally.maxSamples) {
      tally.samples.add(sample(at, r, request, owner, decision, texts, verdict));
    }
  }

  private Sample sample(
      String at,
      ConsumerRecord<String, byte[]> r,
      CompletionRequest request,
      String team,
      String decision,
      List<String> texts,
      GuardVerdict verdict) {
    List<SampleFinding> findings = new ArrayList<>();
    List<String> shown = new ArrayList<>();
    for (int i = 0; i < texts.size(); i++) {
      GuardVerdict.MessageVerdict m = verdict.messages().get(i);
      for (GuardVerdict.AppliedFinding a : m.findings()) {
        findings.add(
            new SampleFinding(
                i,
                a.finding().detector().policyName(),
                a.finding().type(),
                a.finding().start(),
                a.finding().end(),
                a.finding().score(),
                a.action().policyName()));
      }
      shown.add(cut(masked(texts.get(i), m)));
    }
    return new Sample(
        at,
        Instant.ofEpochMilli(r.timestamp()),
        maskedText(request.getId()),
        ProducerText.escape(team),
        decision,
        findings,
        shown);
  }

  /**
   * {@code text} with every value found in it shown as its type ({@code [EMAIL]}), whatever the
   * policy does with it; an injection, which spans its whole message and is no value, is left.
   */
  static String masked(String text, GuardVerdict.MessageVerdict verdict) {
    List<GuardVerdict.AppliedFinding> spans =
        verdict.findings().stream()
            .filter(a -> a.finding().detector() != Detector.INJECTION)
            .sorted(Comparator.comparingInt(a -> a.finding().start()))
            .toList();
    StringBuilder out = new StringBuilder(text.length());
    int next = 0;
    for (GuardVerdict.AppliedFinding a : spans) {
      int start = Math.max(next, a.finding().start());
      int end = Math.min(text.length(), a.finding().end());
      if (end <= next || start >= text.length()) {
        continue;
      }
      out.append(text, next, start).append('[').append(a.finding().type()).append(']');
      next = end;
    }
    return out.append(text, next, text.length()).toString();
  }

  /** A reason or text that may hold values: each shown as its type, and cut. */
  String maskedText(String text) {
    GuardVerdict verdict = guard.inspect(List.of(text));
    return cut(masked(text, verdict.messages().get(0)));
  }

  private static String cut(String text) {
    String escaped = ProducerText.escape(text);
    return escaped.length() <= MAX_SAMPLE_CHARS
        ? escaped
        : escaped.substring(0, MAX_SAMPLE_CHARS) + "…";
  }

  /** The counts as the read goes. */
  private final class Tally {
    final int maxSamples;
    List<String> topics = List.of();
    long records;
    long requests;
    long otherTeams;
    long templated;
    final Map<String, Long> decisions = new LinkedHashMap<>();
    final Map<Detector, Map<Action, long[]>> verdicts = new EnumMap<>(Detector.class);
    final Map<String, Skipped> skipped = new TreeMap<>();
    final List<Sample> samples = new ArrayList<>();

    Tally(int maxSamples) {
      this.maxSamples = maxSamples;
      for (String d : List.of("allow", "flag", "redact", "block")) {
        decisions.put(d, 0L);
      }
    }

    /** Counts a skipped record; the first of each kind is kept with its reason, masked. */
    void skip(String kind, String at, String reason) {
      Skipped s = skipped.get(kind);
      skipped.put(
          kind,
          s == null
              ? new Skipped(kind, 1, at, maskedText(reason == null ? "" : reason))
              : new Skipped(kind, s.count() + 1, s.first(), s.reason()));
    }

    Report report() {
      List<DetectorCount> counts = new ArrayList<>();
      verdicts.forEach(
          (d, byAction) ->
              byAction.forEach((a, n) -> counts.add(new DetectorCount(d, a, n[0], n[1]))));
      return new Report(
          topics,
          records,
          requests,
          otherTeams,
          templated,
          decisions,
          counts,
          List.copyOf(skipped.values()),
          List.copyOf(samples));
    }
  }
}
