package dev.switchboard.server.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.core.Health;
import dev.switchboard.core.auth.KeyStore;
import dev.switchboard.core.auth.VirtualKey;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link KeyStore} kept in one JSON file ({@code {"version":1,"keys":[…]}}): hashes and metadata,
 * never a key. For one gateway instance; several instances share keys through Redis instead.
 *
 * <p>Reads come from memory (completed futures). A change is written first and published after: the
 * whole file is written to a temporary file beside it, forced to disk and moved over the old one
 * atomically, so a crash leaves the old file or the new one, never half of either; only then does
 * the change become visible and its future complete. Writes run one at a time on a thread of their
 * own, never on the caller's (an event loop). The file is readable by its owner only where the file
 * system supports POSIX permissions.
 *
 * <p>Thread-safe. {@link #close()} waits for pending writes.
 */
public final class FileKeyStore implements KeyStore, AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(FileKeyStore.class);
  private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)
      .setNodeFactory(KeyJson.NODES);
  static final int VERSION = 1;

  private final Path file;
  private final ExecutorService writer;
  private final Map<String, VirtualKey> byId = new ConcurrentHashMap<>();
  private final Map<String, String> idByHash = new ConcurrentHashMap<>();
  private volatile Health health = Health.up();

  private FileKeyStore(Path file, List<VirtualKey> keys) {
    this.file = file;
    for (VirtualKey k : keys) {
      if (byId.putIfAbsent(k.id(), k) != null || idByHash.putIfAbsent(k.hash(), k.id()) != null) {
        throw new IllegalStateException("key file " + file + " holds key '" + k.id() + "' (or its hash) twice");
      }
    }
    this.writer = Executors.newSingleThreadExecutor(r -> {
      Thread t = new Thread(r, "switchboard-key-file");
      t.setDaemon(true);
      return t;
    });
  }

  /**
   * Opens the store on {@code file}, reading the keys in it; a file that does not exist yet is created
   * with the first key.
   *
   * @throws IllegalStateException naming the file and the problem when it cannot be read or is not a
   *     key file
   */
  public static FileKeyStore open(Path file) {
    Objects.requireNonNull(file, "file");
    List<VirtualKey> keys = new ArrayList<>();
    try {
      JsonNode root = JSON.readTree(Files.readAllBytes(file));
      if (root == null || !root.isObject() || !root.path("keys").isArray()) {
        throw new IllegalStateException("key file " + file + " is not a Switchboard key file: expected "
            + "{\"version\":" + VERSION + ",\"keys\":[...]}");
      }
      if (root.path("version").asInt() != VERSION) {
        throw new IllegalStateException("key file " + file + " has version " + root.path("version")
            + "; this gateway reads version " + VERSION);
      }
      int i = 0;
      for (JsonNode k : root.get("keys")) {
        try {
          keys.add(KeyJson.read(k));
        } catch (RuntimeException e) {
          throw new IllegalStateException("key file " + file + ": keys[" + i + "]: " + e.getMessage(), e);
        }
        i++;
      }
    } catch (NoSuchFileException e) {
      // created with the first key
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("key file " + file + " is not valid JSON: " + e.getOriginalMessage(), e);
    } catch (IOException e) {
      throw new IllegalStateException("cannot read key file " + file + ": " + e, e);
    }
    return new FileKeyStore(file, keys);
  }

  /** The file the keys are kept in. */
  public Path file() {
    return file;
  }

  /** How many keys the file holds, revoked ones included. */
  public int size() {
    return byId.size();
  }

  @Override
  public CompletableFuture<Void> create(VirtualKey key) {
    Objects.requireNonNull(key, "key");
    return write(() -> {
      if (byId.containsKey(key.id())) {
        throw new IllegalArgumentException("a key with id '" + key.id() + "' is already stored");
      }
      if (idByHash.containsKey(key.hash())) {
        throw new IllegalArgumentException("a key with the same hash is already stored");
      }
      Map<String, VirtualKey> next = new LinkedHashMap<>(byId);
      next.put(key.id(), key);
      persist(next);
      byId.put(key.id(), key);
      idByHash.put(key.hash(), key.id());
      return null;
    });
  }

  @Override
  public CompletableFuture<Optional<VirtualKey>> findByHash(String hash) {
    String id = idByHash.get(Objects.requireNonNull(hash, "hash"));
    return CompletableFuture.completedFuture(id == null ? Optional.empty() : Optional.ofNullable(byId.get(id)));
  }

  @Override
  public CompletableFuture<Optional<VirtualKey>> findById(String id) {
    return CompletableFuture.completedFuture(Optional.ofNullable(byId.get(Objects.requireNonNull(id, "id"))));
  }

  @Override
  public CompletableFuture<List<VirtualKey>> list() {
    return CompletableFuture.completedFuture(sorted(byId));
  }

  @Override
  public CompletableFuture<Optional<VirtualKey>> revoke(String id, Instant at) {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(at, "at");
    return write(() -> {
      VirtualKey key = byId.get(id);
      if (key == null) {
        return Optional.empty();
      }
      if (key.isRevoked()) {
        return Optional.of(key);
      }
      VirtualKey revoked = key.toBuilder().revokedAt(at).build();
      Map<String, VirtualKey> next = new LinkedHashMap<>(byId);
      next.put(id, revoked);
      persist(next);
      byId.put(id, revoked);
      return Optional.of(revoked);
    });
  }

  @Override
  public Health health() {
    return health;
  }

  /** Waits up to ten seconds for pending writes, then stops the writer thread. */
  @Override
  public void close() {
    writer.shutdown();
    try {
      if (!writer.awaitTermination(10, TimeUnit.SECONDS)) {
        log.warn("key file {}: pending writes did not finish within 10 s", file);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public String toString() {
    return "FileKeyStore{" + file + ", " + byId.size() + " keys}";
  }

  private interface Change<T> {
    T apply() throws IOException;
  }

  private <T> CompletableFuture<T> write(Change<T> change) {
    CompletableFuture<T> result = new CompletableFuture<>();
    try {
      writer.execute(() -> {
        try {
          result.complete(change.apply());
          health = Health.up();
        } catch (IOException | UncheckedIOException e) {
          health = Health.down("cannot write key file " + file + ": " + e.getMessage());
          log.error("cannot write key file {}; the change is not applied", file, e);
          result.completeExceptionally(e);
        } catch (RuntimeException e) {
          result.completeExceptionally(e);
        }
      });
    } catch (java.util.concurrent.RejectedExecutionException e) {
      result.completeExceptionally(new IllegalStateException("the key store is closed", e));
    }
    return result;
  }

  private void persist(Map<String, VirtualKey> keys) throws IOException {
    ObjectNode root = JSON.createObjectNode();
    root.put("version", VERSION);
    ArrayNode array = root.putArray("keys");
    for (VirtualKey k : sorted(keys)) {
      array.add(KeyJson.write(k, true));
    }
    byte[] bytes = JSON.writeValueAsBytes(root);
    Path dir = file.toAbsolutePath().getParent();
    Files.createDirectories(dir);
    Path tmp = Files.createTempFile(dir, "." + file.getFileName() + ".", ".tmp");
    try {
      try {
        Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-------"));
      } catch (UnsupportedOperationException e) {
        // not a POSIX file system: the directory's permissions have to do
      }
      try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
        java.nio.ByteBuffer buffer = java.nio.ByteBuffer.wrap(bytes);
        while (buffer.hasRemaining()) {
          ch.write(buffer);
        }
        ch.force(true);
      }
      try {
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
      }
    } finally {
      Files.deleteIfExists(tmp);
    }
  }

  private static List<VirtualKey> sorted(Map<String, VirtualKey> keys) {
    List<VirtualKey> all = new ArrayList<>(keys.values());
    all.sort(Comparator.comparing(VirtualKey::createdAt).thenComparing(VirtualKey::id));
    return List.copyOf(all);
  }
}
