package dev.switchboard.core.cost;

import dev.switchboard.core.internal.cost.UsageRecordJson;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Objects;

/**
 * Appends each {@link UsageRecord} to a file as one JSON object per line (JSON Lines).
 *
 * <p>Fields: {@code id, request_id, time} (ISO-8601), {@code operation, stream, key_id, user, team,
 * model_group, downgraded_from, deployment, provider, upstream_model, prompt_tokens,
 * completion_tokens, cached_tokens, cache_creation_tokens, reasoning_tokens, estimated}, {@code cost}
 * (dollars as a decimal string with nine places, or null when unknown), {@code cost_known,
 * latency_ms, time_to_first_token_ms, status, error_type, cache, attempts, fallbacks}; absent values
 * are null.
 *
 * <p>Thread-safe. Buffered: lines reach the file on {@link #flush()} (Switchboard flushes after
 * every batch and on close) or when the buffer fills. The caller owns the sink and {@link #close()}s
 * it after the {@code Switchboard}.
 */
public final class JsonLinesUsageSink implements UsageSink, AutoCloseable {

  private final Path path;
  private final BufferedWriter out;

  private JsonLinesUsageSink(Path path) throws IOException {
    this.path = path;
    this.out = Files.newBufferedWriter(path, StandardCharsets.UTF_8, StandardOpenOption.CREATE,
        StandardOpenOption.APPEND, StandardOpenOption.WRITE);
  }

  /**
   * Opens {@code path} for appending, creating it when missing.
   *
   * @throws UncheckedIOException when the file cannot be opened
   */
  public static JsonLinesUsageSink open(Path path) {
    Objects.requireNonNull(path, "path");
    try {
      return new JsonLinesUsageSink(path);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot open usage file " + path, e);
    }
  }

  /** The file written to. */
  public Path path() {
    return path;
  }

  @Override
  public synchronized void write(List<UsageRecord> records) {
    try {
      for (UsageRecord r : records) {
        out.write(UsageRecordJson.write(r));
        out.write('\n');
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write usage records to " + path, e);
    }
  }

  @Override
  public synchronized void flush() {
    try {
      out.flush();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot flush usage records to " + path, e);
    }
  }

  /** Flushes and closes the file. */
  @Override
  public synchronized void close() {
    try {
      out.close();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot close usage file " + path, e);
    }
  }

  @Override
  public String toString() {
    return "JsonLinesUsageSink{" + path + "}";
  }
}
