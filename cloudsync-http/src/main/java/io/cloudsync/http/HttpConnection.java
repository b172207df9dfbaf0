package io.cloudsync.http;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * One HTTP/1.1 connection of {@link CloudSyncHttpServer}: a single request, then the response, then the
 * connection is closed ({@code Connection: close}, no keep-alive). Reading is bounded in size (head and
 * body) and, through the socket's read timeout and the server's deadline, in time. Not thread-safe,
 * except {@link #abort()}, which any thread may call to cut the connection.
 */
final class HttpConnection {

    /** The largest request line plus headers accepted, in bytes. */
    static final int MAX_HEAD_BYTES = 16 * 1024;
    private static final int MAX_HEADERS = 100;
    /** What is read and dropped after the response so that closing does not reset it away from the client. */
    private static final int DRAIN_BYTES = CloudSyncApi.MAX_BODY_BYTES + 64 * 1024;
    private static final int DRAIN_MILLIS = 2_000;

    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;
    private volatile boolean aborted;

    HttpConnection(Socket socket) throws IOException {
        this.socket = socket;
        this.in = new BufferedInputStream(socket.getInputStream(), 8192);
        this.out = new BufferedOutputStream(socket.getOutputStream(), 8192);
    }

    /** A request line and its headers; names are lower case, the first value of a repeated header wins. */
    record Head(String method, String path, String rawQuery, Map<String, String> headers) {

        String header(String name) {
            return headers.get(name.toLowerCase(Locale.ROOT));
        }
    }

    /** A request the server refuses before routing, such as a malformed head (the status to answer). */
    static final class Malformed extends Exception {
        private static final long serialVersionUID = 1L;
        final int status;

        Malformed(int status, String message) {
            super(message);
            this.status = status;
        }
    }

    /** Cuts the connection: a blocked read or write fails at once. Safe from any thread, more than once. */
    void abort() {
        aborted = true;
        try {
            socket.close();
        } catch (IOException e) {
            // already closed
        }
    }

    boolean aborted() {
        return aborted;
    }

    void readTimeout(int millis) throws IOException {
        socket.setSoTimeout(millis);
    }

    /**
     * Reads the request line and headers.
     *
     * @return the head, or {@code null} when the client closed the connection before sending anything
     * @throws Malformed when the head is not HTTP/1.x or is too large
     * @throws IOException when reading fails or times out
     */
    Head readHead() throws IOException, Malformed {
        ByteArrayOutputStream buf = new ByteArrayOutputStream(512);
        int last = -1;
        int beforeLast = -1;
        while (true) {
            int b = in.read();
            if (b < 0) {
                if (buf.size() == 0) {
                    return null;
                }
                throw new IOException("the client closed the connection in the middle of the request head");
            }
            if (buf.size() == 0 && (b == '\r' || b == '\n')) {
                continue; // stray line ends before the request line
            }
            if (buf.size() >= MAX_HEAD_BYTES) {
                throw new Malformed(431, "the request line and headers are over the limit of " + MAX_HEAD_BYTES + " bytes");
            }
            buf.write(b);
            // the head ends with an empty line: LF LF or LF CR LF
            if (b == '\n' && (last == '\n' || (last == '\r' && beforeLast == '\n'))) {
                break;
            }
            beforeLast = last;
            last = b;
        }
        String[] lines = buf.toString(StandardCharsets.ISO_8859_1).split("\r?\n");
        String[] requestLine = lines[0].split(" ");
        if (requestLine.length != 3 || !requestLine[2].startsWith("HTTP/1.")) {
            throw new Malformed(400, "not an HTTP/1.1 request line");
        }
        URI target;
        try {
            target = new URI(requestLine[1]);
        } catch (URISyntaxException e) {
            throw new Malformed(400, "the request target is not a valid URI path");
        }
        if (target.getRawPath() == null || !target.getRawPath().startsWith("/")) {
            throw new Malformed(400, "the request target must be a path such as /api/health");
        }
        Map<String, String> headers = new LinkedHashMap<>();
        for (int i = 1; i < lines.length; i++) {
            String line = lines[i];
            if (line.isEmpty()) {
                continue;
            }
            int colon = line.indexOf(':');
            if (colon <= 0 || Character.isWhitespace(line.charAt(0)) || headers.size() >= MAX_HEADERS) {
                throw new Malformed(400, "malformed or too many request headers");
            }
            headers.putIfAbsent(line.substring(0, colon).trim().toLowerCase(Locale.ROOT), line.substring(colon + 1).trim());
        }
        return new Head(requestLine[0], target.getPath(), target.getRawQuery(), headers);
    }

    /**
     * Reads the body the head announces, up to {@code limit} bytes.
     *
     * @return the body, or {@code null} when it is over the limit (nothing more is read then)
     * @throws Malformed when the framing is not understood
     * @throws IOException when reading fails or times out
     */
    byte[] readBody(Head head, int limit) throws IOException, Malformed {
        String encoding = head.header("transfer-encoding");
        String length = head.header("content-length");
        if (encoding != null) {
            if (!encoding.equalsIgnoreCase("chunked")) {
                throw new Malformed(501, "transfer encoding " + encoding + " is not supported; send chunked or Content-Length");
            }
            continueIfExpected(head);
            return readChunked(limit);
        }
        if (length == null) {
            return new byte[0];
        }
        long n;
        try {
            n = Long.parseLong(length);
        } catch (NumberFormatException e) {
            throw new Malformed(400, "Content-Length is not a number");
        }
        if (n < 0) {
            throw new Malformed(400, "Content-Length is negative");
        }
        if (n > limit) {
            return null;
        }
        continueIfExpected(head);
        byte[] body = in.readNBytes((int) n);
        if (body.length < n) {
            throw new IOException("the client closed the connection in the middle of the body");
        }
        return body;
    }

    private void continueIfExpected(Head head) throws IOException {
        if ("100-continue".equalsIgnoreCase(head.header("expect"))) {
            out.write("HTTP/1.1 100 Continue\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
        }
    }

    private byte[] readChunked(int limit) throws IOException, Malformed {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        while (true) {
            String sizeLine = line();
            int semicolon = sizeLine.indexOf(';');
            long size;
            try {
                size = Long.parseLong((semicolon < 0 ? sizeLine : sizeLine.substring(0, semicolon)).trim(), 16);
            } catch (NumberFormatException e) {
                throw new Malformed(400, "malformed chunk size");
            }
            if (size == 0) {
                while (!line().isEmpty()) {
                    // trailers are read and dropped
                }
                return body.toByteArray();
            }
            if (size < 0 || body.size() + size > limit) {
                return null;
            }
            byte[] chunk = in.readNBytes((int) size);
            if (chunk.length < size) {
                throw new IOException("the client closed the connection in the middle of a chunk");
            }
            body.write(chunk);
            line();
        }
    }

    private String line() throws IOException, Malformed {
        ByteArrayOutputStream buf = new ByteArrayOutputStream(16);
        int b;
        while ((b = in.read()) != '\n') {
            if (b < 0) {
                throw new IOException("the client closed the connection in the middle of the body");
            }
            if (buf.size() > 1024) {
                throw new Malformed(400, "a chunk header line is too long");
            }
            if (b != '\r') {
                buf.write(b);
            }
        }
        return buf.toString(StandardCharsets.ISO_8859_1);
    }

    /** Sends a complete response and closes the connection gracefully. */
    void respond(int status, String contentType, byte[] body) throws IOException {
        String head = "HTTP/1.1 " + status + ' ' + reason(status) + "\r\n"
                + "Content-Type: " + contentType + "\r\n"
                + "Content-Length: " + body.length + "\r\n"
                + "Cache-Control: no-store\r\n"
                + "Connection: close\r\n\r\n";
        out.write(head.getBytes(StandardCharsets.ISO_8859_1));
        out.write(body);
        out.flush();
        finish();
    }

    /**
     * Answers {@code 101 Switching Protocols} with these headers; from then on the connection carries the
     * other protocol over {@link #input()} and {@link #output()}.
     */
    void switchProtocols(Map<String, String> headers) throws IOException {
        StringBuilder head = new StringBuilder("HTTP/1.1 101 Switching Protocols\r\n");
        headers.forEach((name, value) -> head.append(name).append(": ").append(value).append("\r\n"));
        head.append("\r\n");
        out.write(head.toString().getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
    }

    /** The request's bytes after its head (buffered), for a protocol switched to with {@link #switchProtocols}. */
    InputStream input() {
        return in;
    }

    /** The raw (buffered) response stream, for a protocol switched to with {@link #switchProtocols}. */
    OutputStream output() {
        return out;
    }

    /**
     * Starts a streamed response of unknown length (chunked).
     *
     * @return where to write the body; every {@code flush} sends what was written; close it to end
     */
    OutputStream stream(int status, String contentType) throws IOException {
        String head = "HTTP/1.1 " + status + ' ' + reason(status) + "\r\n"
                + "Content-Type: " + contentType + "\r\n"
                + "Cache-Control: no-cache\r\n"
                + "Transfer-Encoding: chunked\r\n"
                + "Connection: close\r\n\r\n";
        out.write(head.getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
        return new OutputStream() {
            private final ByteArrayOutputStream pending = new ByteArrayOutputStream();
            private boolean closed;

            @Override
            public void write(int b) {
                pending.write(b);
            }

            @Override
            public void write(byte[] b, int off, int len) {
                pending.write(b, off, len);
            }

            @Override
            public void flush() throws IOException {
                if (pending.size() > 0) {
                    out.write((Integer.toHexString(pending.size()) + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
                    pending.writeTo(out);
                    out.write("\r\n".getBytes(StandardCharsets.ISO_8859_1));
                    pending.reset();
                }
                out.flush();
            }

            @Override
            public void close() throws IOException {
                if (closed) {
                    return;
                }
                closed = true;
                flush();
                out.write("0\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
                out.flush();
                finish();
            }
        };
    }

    /**
     * Half-closes, then reads and drops what the client may still be sending (a body the server did not
     * read), bounded in bytes and time, so that closing does not reset the connection before the client
     * has read the response.
     */
    private void finish() {
        try {
            socket.shutdownOutput();
            socket.setSoTimeout(DRAIN_MILLIS);
            long deadline = System.nanoTime() + DRAIN_MILLIS * 1_000_000L;
            byte[] sink = new byte[8192];
            int total = 0;
            int n;
            while (total < DRAIN_BYTES && System.nanoTime() < deadline && (n = in.read(sink)) >= 0) {
                total += n;
            }
        } catch (SocketTimeoutException e) {
            // the client keeps the connection open without sending: close it anyway
        } catch (IOException e) {
            // the client is gone
        }
    }

    void close() {
        try {
            socket.close();
        } catch (IOException e) {
            // nothing to do
        }
    }

    static String reason(int status) {
        return switch (status) {
            case 200 -> "OK";
            case 400 -> "Bad Request";
            case 401 -> "Unauthorized";
            case 403 -> "Forbidden";
            case 404 -> "Not Found";
            case 405 -> "Method Not Allowed";
            case 408 -> "Request Timeout";
            case 409 -> "Conflict";
            case 413 -> "Content Too Large";
            case 422 -> "Unprocessable Content";
            case 431 -> "Request Header Fields Too Large";
            case 500 -> "Internal Server Error";
            case 501 -> "Not Implemented";
            case 503 -> "Service Unavailable";
            default -> "Status " + status;
        };
    }
}
