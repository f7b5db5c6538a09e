package dev.switchboard.providers.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * A tiny HTTP/1.1 server on a raw {@link ServerSocket} for what WireMock cannot do deterministically:
 * hold connections open, cut a body in the middle, and observe the client going away.
 *
 * <p>Every connection serves one request on its own thread: the request head and a
 * {@code Content-Length} body are read, then the {@link Handler} writes whatever it likes; the
 * socket is closed when the handler returns (unless the handler closed or reset it already), or,
 * when the handler asked for {@link Exchange#keepAlive()}, the connection's next request is read.
 */
public final class RawHttpServer implements AutoCloseable {

  /** Answers one request. */
  @FunctionalInterface
  public interface Handler {
    void handle(Exchange exchange) throws Exception;
  }

  private final ServerSocket serverSocket;
  private final Handler handler;
  private final ExecutorService threads = Executors.newCachedThreadPool(r -> {
    Thread t = new Thread(r, "raw-http-server");
    t.setDaemon(true);
    return t;
  });
  private final Set<Socket> sockets = ConcurrentHashMap.newKeySet();
  private final java.util.concurrent.atomic.AtomicInteger accepted = new java.util.concurrent.atomic.AtomicInteger();
  private final List<Throwable> handlerFailures = new CopyOnWriteArrayList<>();
  private volatile boolean closed;

  private RawHttpServer(Handler handler) throws IOException {
    this.handler = handler;
    this.serverSocket = new ServerSocket(0, 128, InetAddress.getLoopbackAddress());
    threads.execute(this::acceptLoop);
  }

  /** Starts a server on a free loopback port. */
  public static RawHttpServer start(Handler handler) throws IOException {
    return new RawHttpServer(handler);
  }

  public int port() {
    return serverSocket.getLocalPort();
  }

  /** {@code http://127.0.0.1:<port><path>} */
  public String url(String path) {
    return "http://" + serverSocket.getInetAddress().getHostAddress() + ":" + port() + path;
  }

  /** What handlers threw other than the I/O errors of a client going away. */
  public List<Throwable> handlerFailures() {
    return handlerFailures;
  }

  @Override
  public void close() throws IOException {
    closed = true;
    serverSocket.close();
    for (Socket s : sockets) {
      closeQuietly(s);
    }
    threads.shutdownNow();
  }

  private void acceptLoop() {
    while (!closed) {
      Socket socket;
      try {
        socket = serverSocket.accept();
      } catch (IOException e) {
        return; // closed
      }
      sockets.add(socket);
      int connection = accepted.incrementAndGet();
      threads.execute(() -> serve(socket, connection));
    }
  }

  private void serve(Socket socket, int connection) {
    try {
      Exchange exchange;
      do {
        exchange = new Exchange(socket, connection);
        exchange.readRequest();
        handler.handle(exchange);
      } while (exchange.keepAlive);
    } catch (IOException clientWentAway) {
      // expected in tests that cut or cancel connections
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (Throwable t) {
      handlerFailures.add(t);
    } finally {
      closeQuietly(socket);
      sockets.remove(socket);
    }
  }

  private static void closeQuietly(Socket socket) {
    try {
      socket.close();
    } catch (IOException ignored) {
      // nothing to do
    }
  }

  /** One request and the means to answer it. */
  public static final class Exchange {
    private final Socket socket;
    private final int connection;
    private final InputStream in;
    private final OutputStream out;
    private boolean keepAlive;
    private String requestLine;
    private final List<String> headerLines = new ArrayList<>();
    private final Map<String, String> headers = new LinkedHashMap<>();
    private byte[] body = new byte[0];

    Exchange(Socket socket, int connection) throws IOException {
      this.socket = socket;
      this.connection = connection;
      this.in = socket.getInputStream();
      this.out = socket.getOutputStream();
    }

    void readRequest() throws IOException {
      ByteArrayOutputStream head = new ByteArrayOutputStream();
      int matched = 0;
      byte[] end = {'\r', '\n', '\r', '\n'};
      while (matched < 4) {
        int b = in.read();
        if (b < 0) {
          throw new IOException("client closed before the request head ended");
        }
        head.write(b);
        matched = b == end[matched] ? matched + 1 : (b == '\r' ? 1 : 0);
      }
      String[] lines = head.toString(StandardCharsets.ISO_8859_1).split("\r\n");
      requestLine = lines[0];
      for (int i = 1; i < lines.length; i++) {
        if (lines[i].isEmpty()) {
          continue;
        }
        headerLines.add(lines[i]);
        int colon = lines[i].indexOf(':');
        headers.put(lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT), lines[i].substring(colon + 1).trim());
      }
      String length = headers.get("content-length");
      if (length != null) {
        body = in.readNBytes(Integer.parseInt(length));
      }
    }

    /** Which connection the request came on: 1 for the first the server accepted, 2 for the next, … */
    public int connection() {
      return connection;
    }

    /**
     * Answers on this connection without {@code Connection: close} from now on, and serves the
     * connection's next request once the handler has returned: for checks of connection reuse.
     */
    public void keepAlive() {
      keepAlive = true;
    }

    /** e.g. {@code POST /v1/chat HTTP/1.1} */
    public String requestLine() {
      return requestLine;
    }

    /** Header lines as received, in order. */
    public List<String> headerLines() {
      return Collections.unmodifiableList(headerLines);
    }

    /** A request header by lower-case name, or null. */
    public String header(String lowerCaseName) {
      return headers.get(lowerCaseName);
    }

    public byte[] body() {
      return body.clone();
    }

    /**
     * Writes a complete response with a {@code Content-Length} body and {@code Connection: close}
     * (unless {@link #keepAlive()}).
     */
    public void respond(int status, String contentType, String body) throws IOException {
      byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
      write("HTTP/1.1 " + status + " X\r\nContent-Type: " + contentType + "\r\nContent-Length: " + bytes.length
          + connectionClose() + "\r\n\r\n");
      out.write(bytes);
      out.flush();
    }

    /** Writes a status line and headers for a chunked body, with {@code Connection: close} unless {@link #keepAlive()}. */
    public void startChunked(int status, String contentType) throws IOException {
      write("HTTP/1.1 " + status + " X\r\nContent-Type: " + contentType
          + "\r\nTransfer-Encoding: chunked" + connectionClose() + "\r\n\r\n");
    }

    private String connectionClose() {
      return keepAlive ? "" : "\r\nConnection: close";
    }

    /** Writes and flushes one chunk of a chunked body. */
    public void writeChunk(String text) throws IOException {
      byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
      write(Integer.toHexString(bytes.length) + "\r\n");
      out.write(bytes);
      write("\r\n");
    }

    /** Writes and flushes one chunk of binary data (e.g. event-stream frames) of a chunked body. */
    public void writeChunk(byte[] bytes) throws IOException {
      write(Integer.toHexString(bytes.length) + "\r\n");
      out.write(bytes);
      write("\r\n");
    }

    /** Ends a chunked body properly. */
    public void endChunks() throws IOException {
      write("0\r\n\r\n");
    }

    /** Writes raw text (ISO-8859-1 for heads, UTF-8 safe for ASCII) and flushes. */
    public void write(String text) throws IOException {
      out.write(text.getBytes(StandardCharsets.UTF_8));
      out.flush();
    }

    /** Closes the connection with a FIN, as a server that dies politely mid-body. */
    public void closeConnection() throws IOException {
      socket.close();
    }

    /** Closes the connection with an RST, as a server or middlebox that drops it. */
    public void resetConnection() throws IOException {
      socket.setSoLinger(true, 0);
      socket.close();
    }

    /** Blocks until the client closes or resets the connection (the request was read already). */
    public void awaitClientGone() {
      try {
        while (in.read() >= 0) {
          // a well-behaved client sends nothing more; keep reading until EOF
        }
      } catch (IOException reset) {
        // gone as well
      }
    }
  }
}
