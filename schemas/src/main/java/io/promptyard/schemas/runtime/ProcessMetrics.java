package io.promptyard.schemas.runtime;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;

/**
 * The JVM meters every service's {@code /metrics} shows, through Micrometer's binders: heap and
 * non-heap memory and buffer pools ({@code jvm_memory_*}, {@code jvm_buffer_*}), garbage collection
 * pauses and allocation ({@code jvm_gc_*}), threads by state ({@code jvm_threads_*}) and CPU
 * ({@code process_cpu_usage}, {@code system_cpu_usage}, {@code system_load_average_1m}). Their
 * labels are the JVM's own (memory pool, GC cause, thread state): bounded.
 */
public final class ProcessMetrics {

  private ProcessMetrics() {}

  /**
   * Binds the JVM meters to {@code registry} for the life of the process (the garbage-collection
   * meters listen to the JVM's collectors from then on).
   */
  @SuppressWarnings("resource") // JvmGcMetrics stays bound as long as the process runs
  public static void bindTo(MeterRegistry registry) {
    new JvmMemoryMetrics().bindTo(registry);
    new JvmGcMetrics().bindTo(registry);
    new JvmThreadMetrics().bindTo(registry);
    new ProcessorMetrics().bindTo(registry);
  }
}
