package io.zabtx.bench;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * A minimal blocking HTTP/1.1 keep-alive client for one connection, used by one thread: POST with a
 * JSON body, read the status and the body (Content-Length or chunked). It exists because the JDK
 * HttpClient spent more CPU in the load client than the coordinator spent serving it, so the REST
 * cells measured the client. Not thread-safe.
 */
final class RawHttp implements Closeable {

  /** A reply: the status code and the body as UTF-8 text. */
  record Reply(int status, String body) {}

  private final String host;
  private final int port;
  private final String hostHeader;
  private final int timeoutMs;
  private Socket socket;
  private InputStream in;
  private OutputStream out;

  /** A client for {@code http://host:port} (any path in the URL is ignored). */
  RawHttp(String baseUrl, int timeoutMs) {
    URI u = URI.create(baseUrl);
    if (!"http".equals(u.getScheme()) || u.getHost() == null || u.getPort() < 0) {
      throw new IllegalArgumentException("need http://host:port, got " + baseUrl);
    }
    this.host = u.getHost();
    this.port = u.getPort();
    this.hostHeader = host + ":" + port;
    this.timeoutMs = timeoutMs;
  }

  /**
   * POSTs {@code body} (JSON, may be empty) to {@code path} and reads the reply. A reused
   * connection the server closed before answering (idle timeout, max keep-alive requests) is
   * replaced once; any other failure closes the connection and is thrown.
   */
  Reply post(String path, String body) throws IOException {
    byte[] b = body.getBytes(StandardCharsets.UTF_8);
    byte[] head =
        ("POST "
                + path
                + " HTTP/1.1\r\nHost: "
                + hostHeader
                + "\r\nContent-Type: application/json\r\nContent-Length: "
                + b.length
                + "\r\n\r\n")
            .getBytes(StandardCharsets.ISO_8859_1);
    boolean reused = socket != null;
    if (!reused) {
      connect();
    }
    try {
      return exchange(head, b);
    } catch (StaleConnection e) {
      close();
      if (!reused) {
        throw new EOFException("server closed a new connection before answering");
      }
      // nothing of the reply arrived, so the server did not take the request: safe to resend
      connect();
      try {
        return exchange(head, b);
      } catch (StaleConnection again) {
        close();
        throw new EOFException("server closed the connection before answering, twice");
      } catch (IOException | RuntimeException e2) {
        close();
        throw e2;
      }
    } catch (IOException | RuntimeException e) {
      close();
      throw e;
    }
  }

  private void connect() throws IOException {
    Socket s = new Socket();
    try {
      s.setTcpNoDelay(true);
      s.setSoTimeout(timeoutMs);
      s.connect(new InetSocketAddress(host, port), Math.min(timeoutMs, 2000));
      in = new BufferedInputStream(s.getInputStream(), 8192);
      out = s.getOutputStream();
      socket = s;
    } catch (IOException e) {
      s.close();
      throw e;
    }
  }

  private Reply exchange(byte[] head, byte[] body) throws IOException {
    try {
      // one write, so head and body leave in one segment (TCP_NODELAY would split two writes)
      byte[] req = new byte[head.length + body.length];
      System.arraycopy(head, 0, req, 0, head.length);
      System.arraycopy(body, 0, req, head.length, body.length);
      out.write(req);
      out.flush();
    } catch (SocketException e) {
      throw new StaleConnection(); // reset or broken pipe on a connection the server dropped
    }
    String status = line(true);
    // "HTTP/1.1 201 " or "HTTP/1.1 201 Created"
    if (!status.startsWith("HTTP/1.") || status.length() < 12) {
      throw new IOException("bad status line: " + status);
    }
    int code;
    try {
      code = Integer.parseInt(status.substring(9, 12));
    } catch (NumberFormatException e) {
      throw new IOException("bad status line: " + status);
    }
    long length = -1;
    boolean chunked = false;
    boolean keepAlive = !status.startsWith("HTTP/1.0");
    for (String h = line(false); !h.isEmpty(); h = line(false)) {
      int colon = h.indexOf(':');
      if (colon <= 0) {
        throw new IOException("bad header line: " + h);
      }
      String name = h.substring(0, colon).trim().toLowerCase(Locale.ROOT);
      String value = h.substring(colon + 1).trim();
      switch (name) {
        case "content-length" -> length = Long.parseLong(value);
        case "transfer-encoding" -> chunked = value.toLowerCase(Locale.ROOT).contains("chunked");
        case "connection" -> keepAlive = !value.equalsIgnoreCase("close");
        default -> {}
      }
    }
    String text;
    if (chunked) {
      text = chunkedBody();
    } else if (length >= 0) {
      byte[] bytes = in.readNBytes(checked(length));
      if (bytes.length < length) {
        throw new EOFException("body cut short: " + bytes.length + " of " + length + " bytes");
      }
      text = new String(bytes, StandardCharsets.UTF_8);
    } else if (code == 204 || code == 304 || code / 100 == 1) {
      text = "";
    } else {
      text = new String(in.readAllBytes(), StandardCharsets.UTF_8); // delimited by close
      keepAlive = false;
    }
    if (!keepAlive) {
      close();
    }
    return new Reply(code, text);
  }

  private String chunkedBody() throws IOException {
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    while (true) {
      String sizeLine = line(false);
      int semi = sizeLine.indexOf(';');
      long size;
      try {
        size = Long.parseLong((semi < 0 ? sizeLine : sizeLine.substring(0, semi)).trim(), 16);
      } catch (NumberFormatException e) {
        throw new IOException("bad chunk size line: " + sizeLine);
      }
      if (size == 0) {
        while (!line(false).isEmpty()) {} // trailers
        return body.toString(StandardCharsets.UTF_8);
      }
      byte[] chunk = in.readNBytes(checked(size));
      if (chunk.length < size) {
        throw new EOFException("chunk cut short");
      }
      body.write(chunk);
      if (!line(false).isEmpty()) {
        throw new IOException("no CRLF after a chunk");
      }
    }
  }

  private static int checked(long length) throws IOException {
    if (length < 0 || length > 16 << 20) {
      throw new IOException("body length out of range: " + length);
    }
    return (int) length;
  }

  /** One CRLF-terminated line; EOF before its first byte is a stale connection if {@code first}. */
  private String line(boolean first) throws IOException {
    StringBuilder sb = new StringBuilder(64);
    int c;
    try {
      c = in.read();
    } catch (SocketException e) {
      if (first) {
        throw new StaleConnection();
      }
      throw e;
    }
    if (c < 0) {
      if (first) {
        throw new StaleConnection();
      }
      throw new EOFException("connection closed mid-reply");
    }
    while (c != '\n') {
      if (c < 0) {
        throw new EOFException("connection closed mid-line");
      }
      if (sb.length() > 8192) {
        throw new IOException("header line too long");
      }
      if (c != '\r') {
        sb.append((char) c);
      }
      c = in.read();
    }
    return sb.toString();
  }

  @Override
  public void close() {
    Socket s = socket;
    socket = null;
    in = null;
    out = null;
    if (s != null) {
      try {
        s.close();
      } catch (IOException ignored) {
        // closing a dead socket: nothing to do
      }
    }
  }

  /** The server closed (or reset) the connection before any byte of the reply. */
  private static final class StaleConnection extends IOException {
    StaleConnection() {
      super("stale connection");
    }
  }
}
