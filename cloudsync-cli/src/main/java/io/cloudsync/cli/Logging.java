package io.cloudsync.cli;

/**
 * Configures the bundled slf4j-simple before the first logger exists: warnings and errors only by
 * default, info with {@code -v}, always to stderr so that stdout stays clean for {@code --json}.
 */
final class Logging {

    private static final String P = "org.slf4j.simpleLogger.";

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
        // The facade's warnings (a refused plan, planning from the cache) are what the CLI itself
        // reports as its error or notice; logging them as well would say everything twice.
        setDefault(P + "log.io.cloudsync.core.CloudSync", verbose ? "info" : "error");
    }

    /** A -D on the java command line wins over the defaults. */
    private static void setDefault(String key, String value) {
        if (System.getProperty(key) == null) {
            System.setProperty(key, value);
        }
    }
}
