package io.cloudsync.cli;

import java.util.List;

/**
 * Configures the bundled slf4j-simple before the first logger exists: warnings and errors only by
 * default, info with {@code -v}, always to stderr so that stdout stays clean for {@code --json}.
 * Loggers that print credentials below INFO (HTTP wire and header logs, the AWS signer's canonical
 * requests, the google-http-client's request log, HttpURLConnection's header log) stay at INFO whatever
 * the default level, even {@code -Dorg.slf4j.simpleLogger.defaultLogLevel=trace}. The providers already
 * keep secrets out of those loggers; this is the second fence, for a class path with other clients.
 */
final class Logging {

    private static final String P = "org.slf4j.simpleLogger.";
    /** slf4j loggers that print Authorization headers, signatures or session tokens at DEBUG. */
    static final List<String> WIRE_LOGGERS = List.of(
            "org.apache.hc.client5.http.wire", "org.apache.hc.client5.http.headers",
            "org.apache.http.wire", "org.apache.http.headers",
            "software.amazon.awssdk.http.auth.aws.internal.signer", "software.amazon.awssdk.auth.signer");
    /** java.util.logging loggers that print request headers (bearer tokens) and bodies below INFO. */
    static final List<String> JUL_WIRE_LOGGERS = List.of(
            "com.google.api.client.http.HttpTransport", "sun.net.www.protocol.http.HttpURLConnection");
    /** Held so that the levels set on them are not lost when java.util.logging drops unused loggers. */
    private static final List<java.util.logging.Logger> PINNED = new java.util.ArrayList<>();

    private Logging() {
    }

    static void configure(boolean verbose) {
        setDefault(P + "defaultLogLevel", verbose ? "info" : "warn");
        setDefault(P + "logFile", "System.err");
        setDefault(P + "showDateTime", verbose ? "true" : "false");
        setDefault(P + "dateTimeFormat", "HH:mm:ss.SSS");
        setDefault(P + "showThreadName", "false");
        setDefault(P + "showLogName", "false");
        setDefault(P + "showShortLogName", "false");
        setDefault(P + "levelInBrackets", "false");
        // The warnings of the facade and of the guards (a refused plan, planning from the cache) are what the
        // CLI itself reports as its error or notice; logging them as well would say everything twice.
        setDefault(P + "log.io.cloudsync.core.CloudSync", verbose ? "info" : "error");
        setDefault(P + "log.io.cloudsync.core.internal.engine.Guards", verbose ? "info" : "error");
        for (String name : WIRE_LOGGERS) {
            setDefault(P + "log." + name, "info");
        }
        synchronized (PINNED) {
            for (String name : JUL_WIRE_LOGGERS) {
                java.util.logging.Logger logger = java.util.logging.Logger.getLogger(name);
                java.util.logging.Level level = logger.getLevel();
                if (level == null || level.intValue() < java.util.logging.Level.INFO.intValue()) {
                    logger.setLevel(java.util.logging.Level.INFO);
                }
                PINNED.add(logger);
            }
        }
    }

    /** A -D on the java command line wins over the defaults. */
    private static void setDefault(String key, String value) {
        if (System.getProperty(key) == null) {
            System.setProperty(key, value);
        }
    }
}
