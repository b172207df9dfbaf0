package io.cloudsync.http;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.BooleanSupplier;
import org.java_websocket.drafts.Draft_6455;
import org.java_websocket.enums.HandshakeState;
import org.java_websocket.enums.Opcode;
import org.java_websocket.exceptions.InvalidDataException;
import org.java_websocket.exceptions.InvalidHandshakeException;
import org.java_websocket.framing.CloseFrame;
import org.java_websocket.framing.Framedata;
import org.java_websocket.framing.PingFrame;
import org.java_websocket.framing.PongFrame;
import org.java_websocket.handshake.HandshakeImpl1Client;
import org.java_websocket.handshake.HandshakeImpl1Server;

/**
 * The WebSocket variant of the hooks stream (RFC 6455) on one {@link HttpConnection} of
 * {@link CloudSyncHttpServer}. The handshake and the frame codec are Java-WebSocket's
 * {@link Draft_6455}; this class only moves bytes between it and the connection. Each hook is one text
 * frame {@code {"event": NAME, "data": PAYLOAD}}, where PAYLOAD is the very {@link HookStream.Hook#payload()}
 * that the SSE stream writes after {@code data: }. The server pings at the SSE heartbeat interval,
 * answers pings, echoes a close, and closes with 1001 when it stops or 1013 when the client fell behind.
 * Messages from the client are read (frames of at most 64 KiB) and ignored.
 */
final class HookWebSocket {

    /** The largest frame a client may send; it has nothing to say but control frames. */
    static final int MAX_CLIENT_FRAME_BYTES = 64 * 1024;
    /** How often the sender looks for a close from the client or the server between events. */
    private static final long POLL_MILLIS = 200;

    private final HttpConnection connection;
    private final Draft_6455 draft = new Draft_6455(List.of(), MAX_CLIENT_FRAME_BYTES);
    private final Object writeLock = new Object();
    private Map<String, String> responseHeaders = Map.of();
    private volatile boolean closed;

    private HookWebSocket(HttpConnection connection) {
        this.connection = connection;
    }

    /** Whether the request asks to switch this route to WebSocket ({@code Upgrade: websocket}). */
    static boolean requested(HttpConnection.Head head) {
        String upgrade = head.header("upgrade");
        return upgrade != null && upgrade.trim().equalsIgnoreCase("websocket");
    }

    /**
     * Checks the client's handshake and prepares the session.
     *
     * @return the session, ready for {@link #open}
     * @throws IllegalArgumentException with what is wrong, when the handshake is not a valid RFC 6455 one
     */
    static HookWebSocket accept(HttpConnection connection, HttpConnection.Head head) {
        HookWebSocket ws = new HookWebSocket(connection);
        HandshakeImpl1Client request = new HandshakeImpl1Client();
        request.setResourceDescriptor(head.path());
        head.headers().forEach(request::put);
        try {
            if (ws.draft.acceptHandshakeAsServer(request) != HandshakeState.MATCHED) {
                throw new IllegalArgumentException("not a WebSocket handshake this server accepts: send GET with"
                        + " Connection: Upgrade, Upgrade: websocket, Sec-WebSocket-Version: 13 and a Sec-WebSocket-Key");
            }
            HandshakeImpl1Server response = new HandshakeImpl1Server();
            ws.draft.postProcessHandshakeResponseAsServer(request, response);
            ws.responseHeaders = new LinkedHashMap<>();
            for (Iterator<String> it = response.iterateHttpFields(); it.hasNext(); ) {
                String name = it.next();
                if (!name.equalsIgnoreCase("Server")) { // the codec names itself there; no need to tell
                    ws.responseHeaders.put(name, response.getFieldValue(name));
                }
            }
        } catch (InvalidHandshakeException e) {
            throw new IllegalArgumentException("invalid WebSocket handshake: " + e.getMessage()
                    + "; send Sec-WebSocket-Version: 13 and a Sec-WebSocket-Key");
        }
        return ws;
    }

    /**
     * Answers 101, then sends every hook of {@code subscription} until the client closes, the
     * server stops ({@code stopping}), the connection fails, or the subscriber falls behind.
     * Returns when the session is over; the caller closes the connection.
     */
    void open(HookStream.Subscription subscription, BooleanSupplier stopping, long heartbeatMillis, Executor readers)
            throws IOException, InterruptedException {
        connection.switchProtocols(responseHeaders);
        try {
            readers.execute(this::readLoop);
        } catch (RejectedExecutionException e) {
            return; // the server is stopping
        }
        long nextPing = System.nanoTime() + heartbeatMillis * 1_000_000L;
        while (!closed) {
            if (stopping.getAsBoolean()) {
                close(CloseFrame.GOING_AWAY, "the server is stopping");
                return;
            }
            HookStream.Hook hook = subscription.poll(POLL_MILLIS);
            if (hook != null) {
                send(envelope(hook));
            } else if (System.nanoTime() >= nextPing) {
                write(new PingFrame());
                nextPing = System.nanoTime() + heartbeatMillis * 1_000_000L;
            }
            if (subscription.overflowed()) {
                ObjectNode overflow = JsonNodeFactory.instance.objectNode().put("event", "overflow");
                overflow.putObject("data").put("error", "events were dropped; reconnect");
                send(overflow.toString());
                close(CloseFrame.TRY_AGAIN_LATER, "events were dropped; reconnect");
                return;
            }
        }
    }

    /** One hook as the text of a frame: the event name and the payload the SSE stream sends. */
    static String envelope(HookStream.Hook hook) {
        ObjectNode o = JsonNodeFactory.instance.objectNode().put("event", hook.name());
        o.set("data", hook.payload());
        return o.toString();
    }

    private void readLoop() {
        InputStream in = connection.input();
        byte[] buf = new byte[8192];
        try {
            int n;
            while (!closed && (n = in.read(buf)) >= 0) {
                for (Framedata frame : draft.translateFrame(ByteBuffer.wrap(buf, 0, n))) {
                    Opcode op = frame.getOpcode();
                    if (op == Opcode.CLOSING) {
                        close(CloseFrame.NORMAL, "");
                        return;
                    }
                    if (op == Opcode.PING) {
                        write(new PongFrame((PingFrame) frame));
                    }
                    // text, binary and pong frames from the client carry nothing this stream needs
                }
            }
        } catch (InvalidDataException e) {
            // a frame too large, unmasked or malformed: say why, then hang up
            try {
                close(e.getCloseCode() == CloseFrame.TOOBIG ? CloseFrame.TOOBIG : CloseFrame.PROTOCOL_ERROR, "bad frame");
            } catch (IOException ignored) {
                // the client is gone
            }
        } catch (IOException e) {
            // the client went away or the server closed the connection
        }
        closed = true;
    }

    private void send(String text) throws IOException {
        for (Framedata frame : draft.createFrames(text, false)) {
            write(frame);
        }
    }

    private void close(int code, String reason) throws IOException {
        CloseFrame frame = new CloseFrame();
        frame.setCode(code);
        frame.setReason(reason);
        synchronized (writeLock) {
            if (!closed) {
                closed = true;
                writeRaw(frame);
            }
        }
    }

    private void write(Framedata frame) throws IOException {
        synchronized (writeLock) {
            if (!closed) {
                writeRaw(frame);
            }
        }
    }

    private void writeRaw(Framedata frame) throws IOException {
        ByteBuffer bytes = draft.createBinaryFrame(frame);
        OutputStream out = connection.output();
        out.write(bytes.array(), bytes.arrayOffset() + bytes.position(), bytes.remaining());
        out.flush();
    }
}
