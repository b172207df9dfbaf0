package io.cloudsync.testkit.gdrive;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/** Splits a {@code multipart/related} upload body into its parts, byte-exactly. */
final class Multipart {

    record Part(String contentType, byte[] body) {
    }

    private Multipart() {
    }

    static List<Part> parse(String contentType, byte[] body) {
        if (contentType == null || !contentType.toLowerCase(Locale.ROOT).startsWith("multipart/")) {
            throw new IllegalArgumentException("not a multipart body: " + contentType);
        }
        String boundary = null;
        for (String p : contentType.split(";")) {
            String t = p.trim();
            if (t.toLowerCase(Locale.ROOT).startsWith("boundary=")) {
                boundary = t.substring("boundary=".length()).replace("\"", "");
            }
        }
        if (boundary == null) {
            throw new IllegalArgumentException("multipart body without boundary");
        }
        byte[] delimiter = ("--" + boundary).getBytes(StandardCharsets.US_ASCII);
        List<Part> parts = new ArrayList<>();
        int at = indexOf(body, delimiter, 0);
        while (at >= 0) {
            int start = at + delimiter.length;
            if (start + 1 < body.length && body[start] == '-' && body[start + 1] == '-') {
                break;
            }
            start = skipLine(body, start);
            int headersEnd = indexOf(body, "\r\n\r\n".getBytes(StandardCharsets.US_ASCII), start);
            String headers = new String(body, start, headersEnd - start, StandardCharsets.UTF_8);
            int contentStart = headersEnd + 4;
            int next = indexOf(body, ("\r\n--" + boundary).getBytes(StandardCharsets.US_ASCII), contentStart);
            if (next < 0) {
                throw new IllegalArgumentException("multipart body is not terminated");
            }
            String type = "application/octet-stream";
            for (String line : headers.split("\r\n")) {
                if (line.toLowerCase(Locale.ROOT).startsWith("content-type:")) {
                    type = line.substring("content-type:".length()).trim();
                }
            }
            parts.add(new Part(type, Arrays.copyOfRange(body, contentStart, next)));
            at = next + 2;
        }
        return parts;
    }

    private static int skipLine(byte[] body, int from) {
        int i = from;
        while (i < body.length && body[i] != '\n') {
            i++;
        }
        return i + 1;
    }

    private static int indexOf(byte[] haystack, byte[] needle, int from) {
        outer:
        for (int i = from; i <= haystack.length - needle.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
