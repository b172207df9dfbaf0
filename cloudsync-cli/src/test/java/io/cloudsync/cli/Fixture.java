package io.cloudsync.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/** A project, its config and a local remote, plus helpers to run the CLI in-process. */
final class Fixture {

    static final ObjectMapper MAPPER = new ObjectMapper();

    final Path root;
    final Path remote;

    Fixture(Path tmp) {
        this.root = tmp.resolve("project");
        this.remote = tmp.resolve("remote");
        write("a.txt", "alpha");
        write("docs/b.txt", "bravo");
        write("docs/deep/c.txt", "charlie");
        config(true, true);
    }

    /** Writes config/cloudsync.json with the local service pointing at the remote folder. */
    void config(boolean master, boolean service) {
        write("config/cloudsync.json", "{\"features\": {\"enable_cloud_sync\": " + master + ", \"enable_cloud_sync_local\": "
                + service + "}, \"services\": {\"local\": {\"directory\": " + quote(remote.toString()) + "}}}");
    }

    static String quote(String s) {
        try {
            return MAPPER.writeValueAsString(s);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    Path write(String path, String content) {
        return write(root, path, content);
    }

    static Path write(Path dir, String path, String content) {
        try {
            Path file = dir.resolve(path);
            Files.createDirectories(file.getParent());
            return Files.writeString(file, content, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Leaves what a {@code sync} killed with SIGKILL leaves: {@code paths} copied to the remote and
     * recorded as uploaded and verified in the run journal, no manifest committed.
     */
    void interruptedRun(String snapshot, String... paths) {
        StringBuilder journal = new StringBuilder();
        for (String path : paths) {
            try {
                byte[] content = Files.readAllBytes(root.resolve(path));
                Path copy = remote.resolve(snapshot).resolve(path);
                Files.createDirectories(copy.getParent());
                Files.write(copy, content);
                String sha = java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(content));
                journal.append("U\t").append(sha).append('\t').append(content.length).append('\t').append(path).append('\n');
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } catch (java.security.NoSuchAlgorithmException e) {
                throw new AssertionError(e);
            }
        }
        write(root, "cache/cloud/journal/local/" + snapshot + ".journal", journal.toString());
        // and the remote lease that run held, which a kill leaves behind, with the state folder's record of it
        String owner = java.util.UUID.randomUUID().toString();
        java.time.Instant now = java.time.Instant.now().truncatedTo(java.time.temporal.ChronoUnit.MILLIS);
        write(remote, ".cloudsync/leases/" + snapshot + ".json", "{\"format\":\"cloudsync-lease\",\"version\":1,\"owner\":\""
                + owner + "\",\"host\":\"killed-host\",\"pid\":1,\"acquired_at\":\"" + now + "\",\"expires_at\":\""
                + now.plusSeconds(3600) + "\"}\n");
        write(root, "cache/cloud/leases/local/" + snapshot + ".owner", owner + "\n");
    }

    /** The project's files, without the config and state folders. */
    Map<String, String> projectFiles() {
        return read(root, k -> !k.startsWith("cache/") && !k.startsWith("config/") && !k.startsWith("backups/"));
    }

    /** The files under {@code dir}, as text; a remote's metadata area (binary manifest chunks) left out. */
    static Map<String, String> read(Path dir) {
        return read(dir, k -> !k.startsWith(".cloudsync/"));
    }

    static Map<String, String> read(Path dir, java.util.function.Predicate<String> keep) {
        Map<String, String> out = new TreeMap<>();
        if (!Files.isDirectory(dir)) {
            return out;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            walk.filter(p -> Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS))
                    // cached manifest chunks (<state>/manifests/<service>/<snapshot>.chunks/) are gzip, not text
                    .filter(p -> p.getParent() == null || !p.getParent().getFileName().toString().endsWith(".chunks"))
                    .filter(p -> keep.test(dir.relativize(p).toString().replace('\\', '/'))).forEach(p -> {
                try {
                    out.put(dir.relativize(p).toString().replace('\\', '/'), Files.readString(p, StandardCharsets.UTF_8));
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out;
    }

    /** What one in-process run printed and returned. */
    record Run(int code, String out, String err) {
        JsonNode json() {
            try {
                return MAPPER.readTree(out);
            } catch (IOException e) {
                throw new AssertionError("stdout is not one JSON document: " + out, e);
            }
        }

        @Override
        public String toString() {
            return "exit " + code + "\n--- stdout\n" + out + "--- stderr\n" + err;
        }
    }

    /** Runs the CLI in-process in the project root, as if from a pipe (no console). */
    Run run(String... args) {
        return runIn(root, Map.of(), "", args);
    }

    static Run runIn(Path workDir, Map<String, String> env, String stdin, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        Terminal t = new Terminal(new PrintWriter(out, true), new PrintWriter(err, true),
                new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)), env, workDir, null);
        int code = Cli.run(t, args);
        return new Run(code, out.toString(), err.toString());
    }
}
