package io.promptyard.semanticcache;

import java.util.function.Supplier;

/**
 * An {@link Embedder} loaded on its first {@link #embed}: a process that never embeds (a worker
 * that never sees a semantic request) never pays for loading the model. Its name and dimension are
 * known before, so that vectors stored under that name can be read without loading it.
 */
public final class LazyEmbedder implements Embedder {

  private final Supplier<? extends Embedder> load;
  private final String name;
  private final int dimension;
  private volatile Embedder loaded;

  /**
   * @param load builds the embedder, once
   * @param name what the embedder's {@link Embedder#describe()} will say
   * @param dimension the length of its vectors
   */
  public LazyEmbedder(Supplier<? extends Embedder> load, String name, int dimension) {
    this.load = load;
    this.name = name;
    this.dimension = dimension;
  }

  /** all-MiniLM-L6-v2 ({@link MiniLmEmbedder}), loaded when first used. */
  public static LazyEmbedder miniLm() {
    return new LazyEmbedder(MiniLmEmbedder::new, MiniLmEmbedder.NAME, MiniLmEmbedder.DIMENSION);
  }

  @Override
  public float[] embed(String text) {
    Embedder e = loaded;
    if (e == null) {
      synchronized (this) {
        if (loaded == null) {
          loaded = load.get();
        }
        e = loaded;
      }
    }
    return e.embed(text);
  }

  /** Whether the model has been loaded. */
  public boolean isLoaded() {
    return loaded != null;
  }

  @Override
  public int dimension() {
    return dimension;
  }

  @Override
  public String describe() {
    return name;
  }
}
