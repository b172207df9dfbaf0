package io.cloudsync.testkit.sync;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Runs a {@code main} class in a child JVM with every logger turned all the way up, and captures all it
 * prints, so that a test can assert that no secret reaches any output. The child has the test's class
 * path, slf4j-simple's {@code defaultLogLevel=trace} (to stderr), {@code java.util.logging}'s root at
 * {@code ALL} with a console handler at {@code ALL} (this also covers {@code System.Logger} and the JDK's
 * own platform loggers), and {@code GOOGLE_SDK_JAVA_LOGGING=true}; stdout and stderr are read together.
 *
 * <pre>{@code
 * TraceLogRun.Result r = TraceLogRun.run(MyCanaryRun.class, List.of(endpoint), Duration.ofMinutes(2));
 * r.assertNoSecret(Map.of("secret key", CANARY_SECRET));
 * }</pre>
 */
public final class TraceLogRun {

    private TraceLogRun() {
    }

    /**
     * What the child printed, and how it ended.
     *
     * @param exitCode the child's exit code
     * @param output stdout and stderr, interleaved as written
     */
    public record Result(int exitCode, String output) {

        /**
         * Fails when any of the values, or a match of any of the patterns, appears in the output.
         *
         * @param secrets a label for each value, for the failure message
         * @param patterns shapes that must not appear either (a signature, a bearer token), by label
         * @return this result
         */
        public Result assertNoSecret(Map<String, String> secrets, Map<String, Pattern> patterns) {
            List<String> found = new ArrayList<>();
            secrets.forEach((label, value) -> {
                int at = output.indexOf(value);
                if (at >= 0) {
                    found.add(label + " at: " + around(at));
                }
            });
            patterns.forEach((label, pattern) -> {
                Matcher m = pattern.matcher(output);
                if (m.find()) {
                    found.add(label + " at: " + around(m.start()));
                }
            });
            assertThat(found).as("secrets in the output of a run with every logger at TRACE/ALL (%d characters)",
                    output.length()).isEmpty();
            return this;
        }

        /**
         * Fails unless the output has this text: proof that the loggers really were on.
         *
         * @param text what must appear
         * @return this result
         */
        public Result assertContains(String text) {
            assertThat(output).as("output of the traced run").contains(text);
            return this;
        }

        private String around(int at) {
            int from = Math.max(0, at - 160);
            int to = Math.min(output.length(), at + 80);
            return "…" + output.substring(from, to).replace('\n', '⏎') + "…";
        }
    }

    /**
     * Runs {@code mainClass} with {@code args} in a child JVM, every logger on.
     *
     * @param mainClass a class with {@code public static void main(String[])} on the test class path
     * @param args its arguments
     * @param timeout how long the child may run before it is killed and the test fails
     * @return the exit code and everything printed
     */
    public static Result run(Class<?> mainClass, List<String> args, Duration timeout) {
        Objects.requireNonNull(mainClass, "mainClass");
        Path julConfig;
        try {
            julConfig = Files.createTempFile("cloudsync-trace-logging", ".properties");
            Files.writeString(julConfig, "handlers=java.util.logging.ConsoleHandler\n.level=ALL\n"
                    + "java.util.logging.ConsoleHandler.level=ALL\n", StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add("-Dorg.slf4j.simpleLogger.defaultLogLevel=trace");
        command.add("-Dorg.slf4j.simpleLogger.logFile=System.err");
        command.add("-Dorg.slf4j.simpleLogger.showLogName=true");
        command.add("-Djava.util.logging.config.file=" + julConfig);
        command.add("-Dfile.encoding=UTF-8");
        command.add(mainClass.getName());
        command.addAll(args);
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        pb.environment().put("GOOGLE_SDK_JAVA_LOGGING", "true");
        try {
            Process p = pb.start();
            p.getOutputStream().close();
            CompletableFuture<String> output = CompletableFuture.supplyAsync(() -> readAll(p.getInputStream()));
            if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                p.destroyForcibly();
                throw new AssertionError(mainClass.getName() + " did not end within " + timeout + "; output:\n"
                        + output.getNow("(not read)"));
            }
            return new Result(p.exitValue(), output.get(30, TimeUnit.SECONDS));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            throw new AssertionError("cannot read the child's output", e);
        } finally {
            try {
                Files.deleteIfExists(julConfig);
            } catch (IOException e) {
                // a temp file left behind
            }
        }
    }

    private static String readAll(InputStream in) {
        try (in) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
