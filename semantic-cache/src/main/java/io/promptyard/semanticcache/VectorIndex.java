package io.promptyard.semanticcache;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.lucene.document.Document;
import org.apache.lucene.document.Field;
import org.apache.lucene.document.KnnFloatVectorField;
import org.apache.lucene.document.StringField;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.index.StoredFields;
import org.apache.lucene.index.Term;
import org.apache.lucene.index.VectorSimilarityFunction;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.KnnFloatVectorQuery;
import org.apache.lucene.search.ScoreDoc;
import org.apache.lucene.search.SearcherManager;
import org.apache.lucene.search.TermQuery;
import org.apache.lucene.search.TopDocs;
import org.apache.lucene.store.ByteBuffersDirectory;
import org.apache.lucene.store.Directory;

/**
 * Lucene's HNSW vector search over the cached prompts, each document tagged with its partition (the
 * exact part of its key) and team: a search looks only inside one partition, so a neighbour from
 * another team, model or conversation is never even a candidate. Held in memory ({@link
 * ByteBuffersDirectory}) unless given another directory.
 */
final class VectorIndex implements AutoCloseable {

  private static final String ID = "id";
  private static final String PARTITION = "partition";
  private static final String TEAM = "team";
  private static final String VECTOR = "vector";

  /**
   * A neighbour found.
   *
   * @param id the entry's id
   * @param similarity cosine similarity to the query, -1 to 1
   */
  record Candidate(String id, double similarity) {}

  private final Directory directory;
  private final IndexWriter writer;
  private final SearcherManager searchers;
  private final long refreshIntervalNanos;
  private final AtomicBoolean dirty = new AtomicBoolean();
  private volatile long lastRefresh = System.nanoTime();

  /**
   * @param refreshIntervalNanos how stale a search may be after a write: 0 makes every write
   *     visible to the next search, at the cost of a small segment per write
   */
  VectorIndex(Directory directory, long refreshIntervalNanos) {
    this.directory = directory;
    this.refreshIntervalNanos = refreshIntervalNanos;
    try {
      IndexWriterConfig config = new IndexWriterConfig().setRAMBufferSizeMB(32);
      this.writer = new IndexWriter(directory, config);
      this.searchers = new SearcherManager(writer, true, false, null);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot open the semantic cache's vector index", e);
    }
  }

  /** Adds the entry {@code id}, or replaces it. {@code vector} must have unit length. */
  void put(String id, String partition, String team, float[] vector) {
    Document doc = new Document();
    doc.add(new StringField(ID, id, Field.Store.YES));
    doc.add(new StringField(PARTITION, partition, Field.Store.NO));
    doc.add(new StringField(TEAM, team, Field.Store.NO));
    // DOT_PRODUCT on unit vectors is the cosine, without normalising again at every comparison.
    doc.add(new KnnFloatVectorField(VECTOR, vector, VectorSimilarityFunction.DOT_PRODUCT));
    try {
      writer.updateDocument(new Term(ID, id), doc);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot index semantic cache entry " + id, e);
    }
    dirty.set(true);
  }

  void delete(String id) {
    deleteTerm(new Term(ID, id));
  }

  void deleteTeam(String team) {
    deleteTerm(new Term(TEAM, team));
  }

  void deletePartition(String partition) {
    deleteTerm(new Term(PARTITION, partition));
  }

  private void deleteTerm(Term term) {
    try {
      writer.deleteDocuments(term);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot delete from the semantic cache's index", e);
    }
    dirty.set(true);
  }

  /** The {@code k} nearest entries of {@code partition} to {@code vector}, nearest first. */
  List<Candidate> nearest(String partition, float[] vector, int k) {
    refreshIfDue();
    try {
      IndexSearcher searcher = searchers.acquire();
      try {
        TopDocs top =
            searcher.search(
                new KnnFloatVectorQuery(
                    VECTOR, vector, k, new TermQuery(new Term(PARTITION, partition))),
                k);
        StoredFields stored = searcher.storedFields();
        List<Candidate> out = new ArrayList<>(top.scoreDocs.length);
        for (ScoreDoc hit : top.scoreDocs) {
          // Lucene scores a dot product d as (1 + d) / 2.
          out.add(new Candidate(stored.document(hit.doc).get(ID), 2.0 * hit.score - 1.0));
        }
        return out;
      } finally {
        searchers.release(searcher);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot search the semantic cache's index", e);
    }
  }

  /** Makes every write so far visible to searches. */
  void refresh() {
    try {
      dirty.set(false);
      searchers.maybeRefreshBlocking();
      lastRefresh = System.nanoTime();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot refresh the semantic cache's index", e);
    }
  }

  private void refreshIfDue() {
    if (dirty.get() && System.nanoTime() - lastRefresh >= refreshIntervalNanos) {
      refresh();
    }
  }

  /** Segments searched now (each has an HNSW graph of its own), for figures. */
  int segments() {
    try {
      IndexSearcher searcher = searchers.acquire();
      try {
        return searcher.getIndexReader().leaves().size();
      } finally {
        searchers.release(searcher);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void close() {
    try {
      searchers.close();
      writer.close();
      directory.close();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot close the semantic cache's index", e);
    }
  }
}
