package io.cloudsync.cli;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Just enough of S3, in memory on a loopback port, for the launcher's training run to sync through
 * the real S3 provider (so that the upload, listing, conditional-write and copy paths are in the class
 * archive): PUT (with {@code If-None-Match: *}, {@code If-Match} and {@code x-amz-copy-source}), GET,
 * HEAD, DELETE, ListObjectsV2 and DeleteObjects, path-style. Nothing else; never used outside training.
 */
final class TrainingS3 implements AutoCloseable {

    private static final Pattern KEY = Pattern.compile("<Key>([^<]*)</Key>");
    private final Map<String, byte[]> objects = new ConcurrentSkipListMap<>();
    private final HttpServer server;

    TrainingS3() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", exchange -> {
            try (exchange) {
                handle(exchange);
            }
        });
        server.start();
    }

    /** {@code http://127.0.0.1:PORT}. */
    String endpoint() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    @Override
    public void close() {
        server.stop(0);
    }

    private void handle(HttpExchange x) throws IOException {
        String path = URLDecoder.decode(x.getRequestURI().getRawPath(), StandardCharsets.UTF_8);
        String query = x.getRequestURI().getRawQuery() == null ? "" : x.getRequestURI().getRawQuery();
        byte[] body = x.getRequestBody().readAllBytes();
        String bucket = path.replaceFirst("^/([^/]*).*$", "$1");
        switch (x.getRequestMethod()) {
            case "PUT" -> put(x, path, body);
            case "GET" -> {
                if (query.contains("list-type=2")) {
                    list(x, bucket, param(query, "prefix"));
                } else {
                    get(x, path, true);
                }
            }
            case "HEAD" -> get(x, path, false);
            case "DELETE" -> {
                objects.remove(path);
                x.sendResponseHeaders(204, -1);
            }
            case "POST" -> {
                StringBuilder deleted = new StringBuilder("<DeleteResult>");
                Matcher m = KEY.matcher(new String(body, StandardCharsets.UTF_8));
                while (m.find()) {
                    objects.remove("/" + bucket + "/" + m.group(1));
                    deleted.append("<Deleted><Key>").append(m.group(1)).append("</Key></Deleted>");
                }
                xml(x, 200, deleted.append("</DeleteResult>").toString());
            }
            default -> error(x, 501, "NotImplemented");
        }
    }

    private void put(HttpExchange x, String path, byte[] body) throws IOException {
        String source = x.getRequestHeaders().getFirst("x-amz-copy-source");
        byte[] old = objects.get(path);
        String ifNoneMatch = x.getRequestHeaders().getFirst("If-None-Match");
        String ifMatch = x.getRequestHeaders().getFirst("If-Match");
        if (("*".equals(ifNoneMatch) && old != null) || (ifMatch != null && (old == null || !ifMatch.equals(etag(old))))) {
            error(x, 412, "PreconditionFailed");
            return;
        }
        if (source != null) {
            String from = URLDecoder.decode(source, StandardCharsets.UTF_8);
            byte[] content = objects.get(from.startsWith("/") ? from : "/" + from);
            if (content == null) {
                error(x, 404, "NoSuchKey");
                return;
            }
            objects.put(path, content);
            xml(x, 200, "<CopyObjectResult><ETag>" + etag(content) + "</ETag><LastModified>"
                    + Instant.now() + "</LastModified></CopyObjectResult>");
            return;
        }
        String encoding = String.valueOf(x.getRequestHeaders().getFirst("Content-Encoding"));
        String signed = String.valueOf(x.getRequestHeaders().getFirst("x-amz-content-sha256"));
        byte[] content = encoding.contains("aws-chunked") || signed.startsWith("STREAMING-") ? unchunk(body) : body;
        objects.put(path, content);
        x.getResponseHeaders().add("ETag", etag(content));
        x.sendResponseHeaders(200, -1);
    }

    private void get(HttpExchange x, String path, boolean withBody) throws IOException {
        byte[] content = objects.get(path);
        if (content == null) {
            if (withBody) {
                error(x, 404, "NoSuchKey");
            } else {
                x.sendResponseHeaders(404, -1);
            }
            return;
        }
        x.getResponseHeaders().add("ETag", etag(content));
        x.getResponseHeaders().add("Last-Modified", DateTimeFormatter.RFC_1123_DATE_TIME.format(Instant.now().atZone(ZoneOffset.UTC)));
        x.getResponseHeaders().add("Content-Type", "application/octet-stream");
        if (withBody) {
            x.sendResponseHeaders(200, content.length == 0 ? -1 : content.length);
            x.getResponseBody().write(content);
        } else {
            x.getResponseHeaders().add("Content-Length", Integer.toString(content.length));
            x.sendResponseHeaders(200, -1);
        }
    }

    private void list(HttpExchange x, String bucket, String prefix) throws IOException {
        StringBuilder b = new StringBuilder("<ListBucketResult><Name>").append(bucket).append("</Name><Prefix>")
                .append(prefix).append("</Prefix><IsTruncated>false</IsTruncated>");
        int count = 0;
        String start = "/" + bucket + "/";
        for (Map.Entry<String, byte[]> e : objects.entrySet()) {
            if (e.getKey().startsWith(start + prefix)) {
                count++;
                b.append("<Contents><Key>").append(e.getKey().substring(start.length())).append("</Key><LastModified>")
                        .append(Instant.now()).append("</LastModified><ETag>").append(etag(e.getValue()))
                        .append("</ETag><Size>").append(e.getValue().length).append("</Size></Contents>");
            }
        }
        xml(x, 200, b.append("<KeyCount>").append(count).append("</KeyCount></ListBucketResult>").toString());
    }

    /** The payload of an {@code aws-chunked} body: {@code SIZE[;ext]\r\nDATA\r\n} until a chunk of size 0. */
    static byte[] unchunk(byte[] body) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int i = 0;
        while (i < body.length) {
            int eol = i;
            while (eol + 1 < body.length && !(body[eol] == '\r' && body[eol + 1] == '\n')) {
                eol++;
            }
            String header = new String(body, i, eol - i, StandardCharsets.US_ASCII);
            int size = Integer.parseInt(header.split(";", 2)[0].trim(), 16);
            if (size == 0) {
                break;
            }
            out.write(body, eol + 2, size);
            i = eol + 2 + size + 2;
        }
        return out.toByteArray();
    }

    private static String param(String query, String name) {
        for (String p : query.split("&")) {
            if (p.startsWith(name + "=")) {
                return URLDecoder.decode(p.substring(name.length() + 1), StandardCharsets.UTF_8);
            }
        }
        return "";
    }

    private static void error(HttpExchange x, int status, String code) throws IOException {
        xml(x, status, "<Error><Code>" + code + "</Code><Message>" + code + "</Message></Error>");
    }

    private static void xml(HttpExchange x, int status, String xml) throws IOException {
        byte[] b = ("<?xml version=\"1.0\" encoding=\"UTF-8\"?>" + xml).getBytes(StandardCharsets.UTF_8);
        x.getResponseHeaders().add("Content-Type", "application/xml");
        x.sendResponseHeaders(status, b.length);
        x.getResponseBody().write(b);
    }

    private static String etag(byte[] content) {
        try {
            return '"' + HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(content)) + '"';
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
