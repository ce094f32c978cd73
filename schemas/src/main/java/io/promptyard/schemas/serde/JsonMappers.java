package io.promptyard.schemas.serde;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.util.JsonRecyclerPools;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;

/**
 * Jackson mappers for code that runs on virtual threads: provider calls and the simulated
 * provider's handlers.
 *
 * <p>Jackson's default buffer pool keeps a parser's and a generator's buffers per thread, and a
 * job's virtual thread lives for one job, so every request body written and every response read
 * allocated fresh buffers of 8–16 KB: 17% of all the bytes allocated in the {@code worker-latency}
 * benchmark. These mappers share their buffers through one concurrent pool instead.
 */
public final class JsonMappers {

  private JsonMappers() {}

  /** A builder whose mapper shares buffers across threads; add features, then build. */
  public static JsonMapper.Builder builder() {
    return JsonMapper.builder(
        JsonFactory.builder().recyclerPool(JsonRecyclerPools.sharedConcurrentDequePool()).build());
  }

  /** A mapper with Jackson's defaults, sharing buffers across threads. */
  public static ObjectMapper mapper() {
    return builder().build();
  }
}
