package io.cloudsync.testkit.internal;

import com.fasterxml.jackson.databind.JsonNode;
import io.cloudsync.Secret;
import io.cloudsync.spi.Secrets;
import io.cloudsync.support.Json;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Watches for secret values while a rule makes a provider work (R9.05): it collects the errors and
 * objects the rule provokes, and captures what is written to {@code System.out} and
 * {@code System.err} meanwhile (where SLF4J's simple binding, console appenders and stray
 * {@code printStackTrace} calls write), still passing it through. Not part of the API.
 */
public final class SecretWatch implements AutoCloseable {

    private final Map<String, String> secrets;
    private final List<Object> seen = new ArrayList<>();
    private final ByteArrayOutputStream console = new ByteArrayOutputStream();
    private final PrintStream out;
    private final PrintStream err;

    /**
     * Starts watching: replaces {@code System.out} and {@code System.err} with streams that also
     * record, until {@link #close()}.
     *
     * @param secrets the secrets whose values must not show
     * @param refused the refused secrets, whose values must not show either
     */
    public SecretWatch(Secrets secrets, Secrets refused) {
        this.secrets = new TreeMap<>(values(refused));
        this.secrets.putAll(values(secrets));
        this.out = System.out;
        this.err = System.err;
        System.setOut(tee(out));
        System.setErr(tee(err));
    }

    /**
     * The secret values to look for, each with a description that names its key but not its value:
     * every value of six characters or more and, for a JSON object (such as a service account key or
     * an access key pair), every string field whose name says it is secret.
     *
     * @param secrets the secrets
     * @return value to description
     */
    public static Map<String, String> values(Secrets secrets) {
        Map<String, String> values = new TreeMap<>();
        for (String key : secrets.keys()) {
            String value = secrets.get(key).map(Secret::revealString).orElse("");
            if (value.length() >= 6) {
                values.put(value, "secret '" + key + "'");
            }
            if (value.strip().startsWith("{")) {
                try {
                    JsonNode tree = Json.mapper().readTree(value);
                    for (Map.Entry<String, JsonNode> field : tree.properties()) {
                        String name = field.getKey().toLowerCase(Locale.ROOT);
                        boolean secret = (name.contains("secret") || name.contains("token") || name.contains("password")
                                || name.contains("private")) && !name.endsWith("_id");
                        if (secret && field.getValue().isTextual() && field.getValue().asText().length() >= 6) {
                            values.put(field.getValue().asText(), "field '" + field.getKey() + "' of secret '" + key + "'");
                        }
                    }
                } catch (java.io.IOException | RuntimeException notJson) {
                    // not JSON after all: the whole value is watched
                }
            }
        }
        return values;
    }

    /**
     * Whether there is anything to watch for.
     *
     * @return false when the provider under test gets no secret
     */
    public boolean watchesAnything() {
        return !secrets.isEmpty();
    }

    /**
     * Records an error or object whose text (stack trace with causes, or {@code toString}) must not
     * hold a secret.
     *
     * @param o the error or object; {@code null} is ignored
     */
    public void saw(Object o) {
        if (o != null) {
            synchronized (seen) {
                seen.add(o);
            }
        }
    }

    /**
     * Runs {@code step} and records what it throws or returns.
     *
     * @param step the step
     */
    public void provoke(RuleRun.Step step) {
        try {
            step.run();
        } catch (Exception | AssertionError e) {
            saw(e);
        }
    }

    /**
     * The first place a secret shows, if any.
     *
     * @return a description such as "the stack trace of ProviderException (CONFLICT) holds secret 'x'", or
     *     {@code null} when no secret shows
     */
    public String firstLeak() {
        List<Object> copy;
        synchronized (seen) {
            copy = List.copyOf(seen);
        }
        for (Object o : copy) {
            String text = o instanceof Throwable t ? stackTrace(t) : String.valueOf(o);
            for (Map.Entry<String, String> s : secrets.entrySet()) {
                if (text.contains(s.getKey())) {
                    return (o instanceof Throwable t ? "the message or stack trace of " + describe(t) : "toString() of "
                            + o.getClass().getName()) + " holds the value of " + s.getValue();
                }
            }
        }
        String printed;
        synchronized (console) {
            printed = console.toString(StandardCharsets.UTF_8);
        }
        for (Map.Entry<String, String> s : secrets.entrySet()) {
            int at = printed.indexOf(s.getKey());
            if (at >= 0) {
                int lineStart = printed.lastIndexOf('\n', at) + 1;
                String line = printed.substring(lineStart, at).strip();
                return "the console output (System.out/System.err, where log lines go) holds the value of " + s.getValue()
                        + " in a line starting \"" + (line.length() > 120 ? line.substring(0, 120) : line) + "\"";
            }
        }
        return null;
    }

    /**
     * How many errors and objects were checked, for messages.
     *
     * @return the count
     */
    public int seenCount() {
        synchronized (seen) {
            return seen.size();
        }
    }

    @Override
    public void close() {
        System.setOut(out);
        System.setErr(err);
    }

    private PrintStream tee(PrintStream target) {
        return new PrintStream(new OutputStream() {
            @Override
            public void write(int b) {
                synchronized (console) {
                    console.write(b);
                }
                target.write(b);
            }

            @Override
            public void write(byte[] b, int off, int len) {
                synchronized (console) {
                    console.write(b, off, len);
                }
                target.write(b, off, len);
            }

            @Override
            public void flush() {
                target.flush();
            }
        }, true, StandardCharsets.UTF_8);
    }

    private static String describe(Throwable t) {
        return t instanceof io.cloudsync.spi.ProviderException p ? "ProviderException (" + p.kind() + ")" : t.getClass().getName();
    }

    private static String stackTrace(Throwable t) {
        StringWriter text = new StringWriter();
        t.printStackTrace(new PrintWriter(text));
        return text + String.valueOf(t.getMessage());
    }
}
