package dev.switchboard.redis.testing;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * A real {@code redis-server} process for tests, on a free loopback port: the one on PATH when
 * there is one, else the Linux binary shipped inside {@code com.github.codemonstur:embedded-redis}
 * (test dependency), extracted once per JVM. Can be stopped and started again on the same port in
 * the middle of a test. Every process started is also killed by a shutdown hook, so none outlives
 * the test JVM even when a test fails or the JVM is interrupted.
 */
public final class RedisServerProcess implements AutoCloseable {

  private static final String EMBEDDED_BINARY = "redis-server-6.2.6-v5-linux-amd64";
  private static final Set<Process> LIVE = ConcurrentHashMap.newKeySet();
  private static volatile Path binary;

  static {
    Runtime.getRuntime().addShutdownHook(new Thread(() -> LIVE.forEach(Process::destroyForcibly),
        "redis-server-reaper"));
  }

  private final int port;
  private final List<String> extraArgs;
  private final Path dir;
  private Process process;

  private final boolean sentinel;

  private RedisServerProcess(int port, List<String> extraArgs, boolean sentinel) {
    this.port = port;
    this.sentinel = sentinel;
    this.extraArgs = List.copyOf(extraArgs);
    try {
      this.dir = Files.createTempDirectory("redis-" + port + "-");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Starts a plain server (no persistence) on a free port. */
  public static RedisServerProcess start(String... extraArgs) {
    return start(freePort(), List.of(extraArgs));
  }

  /** Starts a server on {@code port} with extra {@code redis-server} arguments. */
  public static RedisServerProcess start(int port, List<String> extraArgs) {
    RedisServerProcess p = new RedisServerProcess(port, extraArgs, false);
    p.startProcess();
    return p;
  }

  /**
   * Starts a one-node Redis Cluster on a free port: cluster mode, every slot assigned to this node,
   * state {@code ok} before it returns. Connect with {@code RedisConnection.builder().uri(uri()).cluster(true)}.
   */
  public static RedisServerProcess startClusterNode() {
    RedisServerProcess node = start(freePort(), List.of("--cluster-enabled", "yes", "--cluster-config-file",
        "nodes.conf", "--cluster-announce-ip", "127.0.0.1"));
    List<String> addSlots = new ArrayList<>(List.of("CLUSTER", "ADDSLOTS"));
    for (int slot = 0; slot < 16384; slot++) {
      addSlots.add(Integer.toString(slot));
    }
    node.command(addSlots.toArray(new String[0]));
    Await.until(Duration.ofSeconds(10), "cluster state ok",
        () -> String.valueOf(node.command("CLUSTER", "INFO")).contains("cluster_state:ok"));
    return node;
  }

  /** Starts a Sentinel on a free port that monitors the master at {@code masterPort} as {@code masterName}. */
  public static RedisServerProcess startSentinel(String masterName, int masterPort) {
    RedisServerProcess p = new RedisServerProcess(freePort(), List.of(), true);
    try {
      Files.writeString(p.dir.resolve("sentinel.conf"), "sentinel monitor " + masterName + " 127.0.0.1 " + masterPort
          + " 1\nsentinel down-after-milliseconds " + masterName + " 5000\n");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    p.startProcess();
    return p;
  }

  public int port() {
    return port;
  }

  /** {@code redis://127.0.0.1:<port>}. */
  public String uri() {
    return "redis://127.0.0.1:" + port;
  }

  /** The working directory of the server (config files written by it, e.g. cluster nodes.conf). */
  public Path dir() {
    return dir;
  }

  public synchronized boolean isRunning() {
    return process != null && process.isAlive();
  }

  /** Kills the server at once (like a crash); {@link #restart()} brings it back on the same port. */
  public synchronized void stop() {
    if (process == null) {
      return;
    }
    process.destroyForcibly();
    try {
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        throw new IllegalStateException("redis-server on port " + port + " did not stop");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
    LIVE.remove(process);
    process = null;
  }

  /** Starts the server again on the same port (empty: nothing is persisted). */
  public synchronized void restart() {
    stop();
    startProcess();
  }

  @Override
  public void close() {
    stop();
    try (var files = Files.walk(dir)) {
      files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
    } catch (IOException e) {
      // a leftover temp directory is harmless
    }
  }

  /** Sends one command and returns the reply (see {@link Resp}). */
  public Object command(String... args) {
    return Resp.command(port, args);
  }

  /** How many times the server executed the commands named (lower case, e.g. {@code get}), per INFO commandstats. */
  public long commandCalls(String... names) {
    long calls = 0;
    for (String line : String.valueOf(command("INFO", "commandstats")).split("\r?\n")) {
      for (String name : names) {
        if (line.startsWith("cmdstat_" + name + ":")) {
          int from = line.indexOf("calls=") + "calls=".length();
          calls += Long.parseLong(line.substring(from, line.indexOf(',', from)));
        }
      }
    }
    return calls;
  }

  /** The connections subscribed to {@code channel}, per PUBSUB NUMSUB. */
  public long subscribers(String channel) {
    return (Long) ((List<?>) command("PUBSUB", "NUMSUB", channel)).get(1);
  }

  private synchronized void startProcess() {
    List<String> cmd = new ArrayList<>(List.of(binary().toString()));
    if (sentinel) { // a sentinel's config file comes first and must be writable
      cmd.addAll(List.of(dir.resolve("sentinel.conf").toString(), "--sentinel"));
    }
    cmd.addAll(List.of("--port", Integer.toString(port), "--bind", "127.0.0.1", "--daemonize", "no",
        "--dir", dir.toString()));
    if (!sentinel) {
      cmd.addAll(List.of("--save", "", "--appendonly", "no"));
    }
    cmd.addAll(extraArgs);
    File log = dir.resolve("redis.log").toFile();
    try {
      process = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log))
          .start();
    } catch (IOException e) {
      throw new UncheckedIOException("could not start " + cmd, e);
    }
    LIVE.add(process);
    long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new IllegalStateException("redis-server exited with " + process.exitValue() + ": " + tail(log));
      }
      try {
        if ("PONG".equals(Resp.command(port, "PING"))) {
          return;
        }
      } catch (RuntimeException notYet) {
        // not listening yet
      }
      java.util.concurrent.locks.LockSupport.parkNanos(Duration.ofMillis(20).toNanos());
    }
    stop();
    throw new IllegalStateException("redis-server did not answer PING on port " + port + " within 15 s: " + tail(log));
  }

  private static String tail(File log) {
    try {
      String text = Files.readString(log.toPath(), StandardCharsets.UTF_8);
      return text.length() > 2000 ? text.substring(text.length() - 2000) : text;
    } catch (IOException e) {
      return "(no log: " + e + ")";
    }
  }

  /** The redis-server to run: from PATH, else extracted from the embedded-redis jar. */
  static synchronized Path binary() {
    if (binary != null) {
      return binary;
    }
    String path = System.getenv("PATH");
    if (path != null) {
      for (String d : path.split(File.pathSeparator)) {
        Path candidate = Path.of(d, "redis-server");
        if (Files.isExecutable(candidate)) {
          return binary = candidate;
        }
      }
    }
    try (InputStream in = RedisServerProcess.class.getClassLoader().getResourceAsStream(EMBEDDED_BINARY)) {
      if (in == null) {
        throw new IllegalStateException("no redis-server on PATH and no " + EMBEDDED_BINARY
            + " on the test class path (com.github.codemonstur:embedded-redis)");
      }
      Path file = Files.createTempFile("redis-server-", "");
      Files.copy(in, file, StandardCopyOption.REPLACE_EXISTING);
      if (!file.toFile().setExecutable(true)) {
        throw new IllegalStateException("cannot make " + file + " executable");
      }
      file.toFile().deleteOnExit();
      return binary = file;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A loopback port nobody listens on right now. */
  public static int freePort() {
    try (ServerSocket s = new ServerSocket()) {
      s.setReuseAddress(true);
      s.bind(new InetSocketAddress("127.0.0.1", 0));
      return s.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
