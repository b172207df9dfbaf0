package io.cloudsync.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** Runs the built jar (or a shell command) as a real subprocess. */
final class Jar {

    static final Path JAR = Path.of(System.getProperty("cloudsync.jar", "target/cloudsync.jar")).toAbsolutePath();
    static final Path REPO = Path.of(System.getProperty("cloudsync.repo", "..")).toAbsolutePath().normalize();
    static final Path JAVA = Path.of(System.getProperty("java.home"), "bin", "java");

    private Jar() {
    }

    record Proc(int code, String out, String err) {
        JsonNode json() {
            try {
                Iterator<JsonNode> docs = Fixture.MAPPER.readerFor(JsonNode.class).readValues(out);
                List<JsonNode> all = new ArrayList<>();
                docs.forEachRemaining(all::add);
                assertThat(all).as("stdout must hold exactly one JSON document:\n" + out).hasSize(1);
                return all.get(0);
            } catch (IOException e) {
                throw new AssertionError("stdout is not JSON: " + out, e);
            }
        }

        @Override
        public String toString() {
            return "exit " + code + "\n--- stdout\n" + out + "--- stderr\n" + err;
        }
    }

    static Proc cloudsync(Path dir, Map<String, String> env, String stdin, String... args) {
        List<String> command = new ArrayList<>(List.of(JAVA.toString(), "-jar", JAR.toString()));
        command.addAll(List.of(args));
        return exec(dir, env, stdin, command);
    }

    static Proc cloudsync(Path dir, String... args) {
        return cloudsync(dir, Map.of(), "", args);
    }

    static Proc exec(Path dir, Map<String, String> env, String stdin, List<String> command) {
        assertThat(JAR).as("the runnable jar; build it with mvn package").exists();
        ProcessBuilder pb = new ProcessBuilder(command).directory(dir.toFile());
        pb.environment().remove("CLOUDSYNC_SECRETS_KEY");
        pb.environment().putAll(env);
        try {
            Process p = pb.start();
            CompletableFuture<String> out = CompletableFuture.supplyAsync(() -> read(p.getInputStream()));
            CompletableFuture<String> err = CompletableFuture.supplyAsync(() -> read(p.getErrorStream()));
            try (OutputStream in = p.getOutputStream()) {
                in.write(stdin.getBytes(StandardCharsets.UTF_8));
            }
            if (!p.waitFor(120, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new AssertionError("still running after 120 s: " + command);
            }
            return new Proc(p.exitValue(), out.join(), err.join());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    private static String read(java.io.InputStream in) {
        try {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String readString(Path p) {
        try {
            return Files.readString(p, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
