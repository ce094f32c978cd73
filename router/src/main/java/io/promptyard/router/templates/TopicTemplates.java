package io.promptyard.router.templates;

import io.promptyard.schemas.CompletionRequest;
import io.promptyard.schemas.PromptTemplate;
import io.promptyard.schemas.serde.AvroSerde;
import io.promptyard.schemas.serde.UndecodableRecordException;
import io.promptyard.schemas.topics.CompactedTopicStore;
import io.promptyard.schemas.topics.TopicProvisioner;
import io.promptyard.schemas.topics.Topics;
import io.promptyard.templates.TemplateException;
import io.promptyard.templates.TemplateId;
import io.promptyard.templates.TemplateLibrary;
import io.promptyard.templates.TemplateRenderer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The templates the router renders: a global store holding the compacted templates topic (key
 * {@code name@version}, value an Avro {@link PromptTemplate}, a tombstone removes a version), read
 * by every stream task. A request that refers to a template gets the rendered messages before it is
 * validated and routed.
 */
public final class TopicTemplates implements TemplateLibrary {

  private static final Logger log = LoggerFactory.getLogger(TopicTemplates.class);

  static final String STORE = "prompt-templates";
  static final String SOURCE = "templates-source";
  static final String UPDATER = "templates-updater";

  private final KeyValueStore<String, byte[]> store;
  private final TemplateRenderer renderer;
  private final AvroSerde<PromptTemplate> serde = AvroSerde.of(PromptTemplate.class);

  private TopicTemplates(KeyValueStore<String, byte[]> store, TemplateRenderer renderer) {
    this.store = store;
    this.renderer = renderer;
  }

  /** Adds the global templates store, fed by the templates topic, to a topology. */
  public static void addTo(Topology topology, Topics topics) {
    CompactedTopicStore.addTo(
        topology,
        STORE,
        topics.templates(),
        SOURCE,
        UPDATER,
        keyless ->
            log.warn(
                "ignoring a record without a key on the templates topic (keys are name@version)"));
  }

  /**
   * Creates the compacted templates topic if missing and waits until the broker serves its
   * partitions: a global store refuses to start on a topic whose partitions it cannot see yet,
   * which a just-created topic may be.
   */
  public static void provision(Admin admin, TopicProvisioner provisioner, Topics topics) {
    provisioner.ensureCompacted(admin, List.of(topics.templates()));
    long until = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (true) {
      try {
        TopicDescription d =
            admin
                .describeTopics(List.of(topics.templates()))
                .allTopicNames()
                .get(10, TimeUnit.SECONDS)
                .get(topics.templates());
        if (d.partitions().stream().allMatch(p -> p.leader() != null && !p.leader().isEmpty())) {
          return;
        }
      } catch (ExecutionException | TimeoutException e) {
        // not visible yet (UnknownTopicOrPartitionException); asked again below
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(
            "interrupted while waiting for topic " + topics.templates(), e);
      }
      if (System.nanoTime() > until) {
        throw new IllegalStateException(
            "topic "
                + topics.templates()
                + " was created but its partitions have no leader after 60 s");
      }
      try {
        Thread.sleep(200);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(
            "interrupted while waiting for topic " + topics.templates(), e);
      }
    }
  }

  /** The templates as a processor of the topology sees them, rendered by {@code renderer}. */
  public static TopicTemplates of(ProcessorContext<?, ?> context, TemplateRenderer renderer) {
    return new TopicTemplates(context.getStateStore(STORE), renderer);
  }

  /**
   * The request with its template rendered (see {@link TemplateRenderer#expand}); unchanged when it
   * names none.
   *
   * @throws TemplateException with the reason to put in the REJECTED result: no such template or
   *     version, a variable not set, a template that does not render
   */
  public CompletionRequest expand(CompletionRequest request) throws TemplateException {
    return renderer.expand(request, this);
  }

  @Override
  public Optional<PromptTemplate> get(TemplateId id) throws TemplateException {
    byte[] bytes = store.get(id.key());
    if (bytes == null) {
      return Optional.empty();
    }
    try {
      return Optional.of(serde.decode(bytes));
    } catch (UndecodableRecordException e) {
      throw new TemplateException(
          "template " + id + " on the templates topic is unreadable: " + e.getMessage(), e);
    }
  }

  @Override
  public List<String> versions(String name) {
    List<String> versions = new ArrayList<>();
    try (KeyValueIterator<String, byte[]> it =
        store.prefixScan(name + "@", new StringSerializer())) {
      while (it.hasNext()) {
        KeyValue<String, byte[]> entry = it.next();
        String version = entry.key.substring(name.length() + 1);
        if (!version.contains("@")) {
          versions.add(version);
        }
      }
    }
    versions.sort(TemplateId.VERSION_ORDER);
    return versions;
  }
}
