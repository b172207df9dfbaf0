package io.cloudsync.cli;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.JsonEncoder;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.encoder.Encoder;
import ch.qos.logback.core.filter.Filter;
import ch.qos.logback.core.rolling.FixedWindowRollingPolicy;
import ch.qos.logback.core.rolling.RollingFileAppender;
import ch.qos.logback.core.rolling.SizeBasedTriggeringPolicy;
import ch.qos.logback.core.spi.FilterReply;
import ch.qos.logback.core.util.FileSize;
import io.cloudsync.ConfigurationException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.slf4j.LoggerFactory;

/**
 * Configures the CLI's logging backend, logback, before a command runs. Log lines go to stderr (so
 * stdout stays clean for {@code --json}): warnings and errors only by default, info with {@code -v}.
 * With a log file ({@code --log-file}, or {@code logs/server.log} under the root for {@code serve})
 * every info line goes there as well, as JSON lines by default (logback's {@link JsonEncoder}), rotated
 * by size ({@code FILE.1} .. {@code FILE.5}). {@code -Dcloudsync.log.level=LEVEL} sets the level of both;
 * {@code -Dlogback.configurationFile=FILE} replaces all of this with the user's own configuration
 * (where a level it names for one of the wire loggers wins).
 *
 * <p>Loggers that print credentials below INFO (HTTP wire and header logs, the AWS signer's canonical
 * requests, the google-http-client's request log, HttpURLConnection's header log) stay at INFO whatever
 * the level asked for. The providers already keep secrets out of those loggers; this is the second
 * fence, for a class path with other clients.
 */
final class Logging {

    /** How log lines are written. */
    enum Format { JSON, TEXT }

    /** The system property that sets the level of every destination (trace, debug, info, warn, error). */
    static final String LEVEL_PROPERTY = "cloudsync.log.level";
    /** Size at which the log file is rotated, unless {@code --log-max-size} says otherwise. */
    static final long DEFAULT_MAX_BYTES = 10_000_000L;
    /** How many rotated files are kept beside the log file. */
    static final int KEEP = 5;
    /** slf4j loggers that print Authorization headers, signatures or session tokens at DEBUG. */
    static final List<String> WIRE_LOGGERS = List.of(
            "org.apache.hc.client5.http.wire", "org.apache.hc.client5.http.headers",
            "org.apache.http.wire", "org.apache.http.headers",
            "software.amazon.awssdk.http.auth.aws.internal.signer", "software.amazon.awssdk.auth.signer");
    /** java.util.logging loggers that print request headers (bearer tokens) and bodies below INFO. */
    static final List<String> JUL_WIRE_LOGGERS = List.of(
            "com.google.api.client.http.HttpTransport", "sun.net.www.protocol.http.HttpURLConnection");
    /** The facade's warnings (a refused plan, planning from the cache) are what the CLI itself reports. */
    private static final String FACADE = "io.cloudsync.core.CloudSync";
    /** The guards warn of a refused plan, which the command prints as its message as well. */
    private static final String GUARDS = "io.cloudsync.core.internal.engine.Guards";
    /** Held so that the levels set on them are not lost when java.util.logging drops unused loggers. */
    private static final List<java.util.logging.Logger> PINNED = new java.util.ArrayList<>();

    private static RollingFileAppender<ILoggingEvent> file;

    private Logging() {
    }

    /** Stderr only, as {@code Main} sets it up before the command line is parsed. */
    static void configure(boolean verbose) {
        configure(verbose, null, null, DEFAULT_MAX_BYTES);
    }

    /**
     * Sets up stderr and, when {@code logFile} is given, the log file; replaces what was set up before.
     *
     * @param format the format of every destination; {@code null} for text on stderr and JSON in the file
     * @param logFile the log file, or {@code null} for none
     * @param maxBytes the size at which the log file is rotated
     * @throws ConfigurationException when the log file cannot be written
     */
    static synchronized void configure(boolean verbose, Format format, Path logFile, long maxBytes) {
        pinJul();
        if (!(LoggerFactory.getILoggerFactory() instanceof LoggerContext ctx)) {
            return; // another slf4j binding on the class path: it is configured its own way
        }
        if (System.getProperty("logback.configurationFile") != null) {
            pinWire(ctx, true);
            return;
        }
        release();
        ctx.reset();
        Level asked = Level.toLevel(System.getProperty(LEVEL_PROPERTY), null);
        Level console = asked != null ? asked : verbose ? Level.INFO : Level.WARN;
        Level inFile = asked != null ? asked : Level.INFO;
        Logger root = ctx.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        root.setLevel(lower(console, logFile == null ? console : inFile));
        pinWire(ctx, false);

        ConsoleAppender<ILoggingEvent> stderr = new ConsoleAppender<>();
        stderr.setContext(ctx);
        stderr.setName("stderr");
        stderr.setTarget("System.err");
        stderr.setEncoder(format == Format.JSON ? json(ctx) : text(ctx, verbose ? "%d{HH:mm:ss.SSS} " : ""));
        stderr.addFilter(filter(console, verbose || asked != null));
        stderr.start();
        root.addAppender(stderr);

        if (logFile != null) {
            file(ctx, logFile, format == Format.TEXT ? text(ctx, "%d{yyyy-MM-dd'T'HH:mm:ss.SSSXXX} ") : json(ctx), inFile,
                    maxBytes);
        }
    }

    /**
     * Sets up logging from the global options, once they are parsed, for every command: nothing to do
     * without {@code --log-file} and {@code --log-format} (what {@link #configure(boolean)} set stays).
     *
     * @throws ConfigurationException when the options are wrong or the log file cannot be written
     */
    static void apply(RootCommand root) {
        if (root.logFile != null || root.logFormat != null) {
            configure(root.verbose, root.logFormat, root.logFile == null ? null : root.terminal().resolve(root.logFile.toString()),
                    maxBytes(root.logMaxSize));
        }
    }

    /** {@code --log-max-size}, at least 1 KiB. */
    static long maxBytes(String option) {
        long maxBytes;
        try {
            maxBytes = Units.parseSize(option);
        } catch (IllegalArgumentException e) {
            throw new ConfigurationException("--log-max-size " + option + ": " + e.getMessage());
        }
        if (maxBytes < 1024) {
            throw new ConfigurationException("--log-max-size " + option + " is under 1KB; use a size such as 10MB");
        }
        return maxBytes;
    }

    /** Closes the log file, if one is open (the end of a command run in-process). */
    static synchronized void release() {
        if (file != null) {
            if (LoggerFactory.getILoggerFactory() instanceof LoggerContext ctx) {
                ctx.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME).detachAppender(file);
            }
            file.stop();
            file = null;
        }
    }

    private static Level lower(Level a, Level b) {
        return a.isGreaterOrEqual(b) ? b : a;
    }

    /** Opens the log file and attaches it to the root logger. */
    private static void file(LoggerContext ctx, Path logFile, Encoder<ILoggingEvent> encoder,
            Level level, long maxBytes) {
        try {
            Files.createDirectories(logFile.toAbsolutePath().getParent());
        } catch (IOException e) {
            throw new ConfigurationException("cannot create the folder of the log file " + logFile + ": " + e.getMessage()
                    + "; pass --log-file FILE in a folder you may write to");
        }
        if (Files.isDirectory(logFile)) {
            throw new ConfigurationException("the log file " + logFile + " is a folder; pass --log-file FILE");
        }
        RollingFileAppender<ILoggingEvent> appender = new RollingFileAppender<>();
        appender.setContext(ctx);
        appender.setName("file");
        appender.setFile(logFile.toString());
        appender.setAppend(true);
        FixedWindowRollingPolicy rolling = new FixedWindowRollingPolicy();
        rolling.setContext(ctx);
        rolling.setParent(appender);
        rolling.setFileNamePattern(logFile.toString().replace("%", "\\%") + ".%i");
        rolling.setMinIndex(1);
        rolling.setMaxIndex(KEEP);
        rolling.start();
        SizeBasedTriggeringPolicy<ILoggingEvent> trigger = new SizeBasedTriggeringPolicy<>();
        trigger.setContext(ctx);
        trigger.setMaxFileSize(new FileSize(maxBytes));
        // look at the size before every line, not at most every 60 ms (logback's default)
        trigger.setCheckIncrement(ch.qos.logback.core.util.Duration.buildByMilliseconds(0));
        trigger.start();
        appender.setRollingPolicy(rolling);
        appender.setTriggeringPolicy(trigger);
        appender.setEncoder(encoder);
        appender.addFilter(filter(level, true));
        appender.start();
        if (!appender.isStarted() || !Files.isWritable(logFile)) {
            appender.stop();
            throw new ConfigurationException("cannot write the log file " + logFile + "; pass --log-file FILE"
                    + " in a folder you may write to");
        }
        ctx.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME).addAppender(appender);
        file = appender;
    }

    /** {@code %safe(...)} in a text pattern: what the inner pattern printed, made {@link Text#safe}. */
    private static void registerSafe(LoggerContext ctx) {
        @SuppressWarnings("unchecked")
        java.util.Map<String, java.util.function.Supplier<ch.qos.logback.core.pattern.DynamicConverter<?>>> rules =
                (java.util.Map<String, java.util.function.Supplier<ch.qos.logback.core.pattern.DynamicConverter<?>>>)
                        ctx.getObject(ch.qos.logback.core.CoreConstants.PATTERN_RULE_REGISTRY_FOR_SUPPLIERS);
        if (rules == null) {
            rules = new java.util.HashMap<>();
            ctx.putObject(ch.qos.logback.core.CoreConstants.PATTERN_RULE_REGISTRY_FOR_SUPPLIERS, rules);
        }
        rules.put("safe", SafeText::new);
    }

    /** Escapes what its child converters printed (see {@link Text#safe}). */
    static final class SafeText extends ch.qos.logback.core.pattern.CompositeConverter<ILoggingEvent> {
        @Override
        protected String transform(ILoggingEvent event, String in) {
            return Text.safe(in);
        }
    }

    /** One JSON object a line: timestamp, level, thread, logger, message, formatted message, key-value pairs. */
    private static Encoder<ILoggingEvent> json(LoggerContext ctx) {
        JsonEncoder encoder = new JsonEncoder();
        encoder.setContext(ctx);
        encoder.setWithSequenceNumber(false);
        encoder.setWithNanoseconds(false);
        encoder.setWithContext(false);
        encoder.setWithMDC(false);
        encoder.setWithArguments(false);
        // "message" is the pattern; "formattedMessage" has the {} placeholders filled in
        encoder.setWithFormattedMessage(true);
        encoder.start();
        return encoder;
    }

    private static Encoder<ILoggingEvent> text(LoggerContext ctx, String datePrefix) {
        registerSafe(ctx);
        PatternLayoutEncoder encoder = new PatternLayoutEncoder();
        encoder.setContext(ctx);
        // key=value pairs after the message, as slf4j-simple printed them; both quote paths, so both go
        // through Text.safe: a name with a newline or an escape sequence cannot forge or hijack a line
        // (the empty {} after the composite matters: without it logback 1.6 prints the %n that follows literally)
        encoder.setPattern(datePrefix + "%level %safe(%msg%replace( %kvp{NONE}){'^ $', ''}){}%n");
        encoder.start();
        return encoder;
    }

    /**
     * Lines at {@code level} or above; the facade's own warnings only when {@code facadeWarnings} (the
     * command prints them as its message anyway).
     */
    private static Filter<ILoggingEvent> filter(Level level, boolean facadeWarnings) {
        Filter<ILoggingEvent> f = new Filter<>() {
            @Override
            public FilterReply decide(ILoggingEvent event) {
                if (!event.getLevel().isGreaterOrEqual(level)) {
                    return FilterReply.DENY;
                }
                if (!facadeWarnings && (event.getLoggerName().equals(FACADE) || event.getLoggerName().equals(GUARDS))
                        && !event.getLevel().isGreaterOrEqual(Level.ERROR)) {
                    return FilterReply.DENY;
                }
                return FilterReply.NEUTRAL;
            }
        };
        f.start();
        return f;
    }

    /** Raises the wire loggers to INFO; with {@code userConfig}, a level the user's file names for one wins. */
    private static void pinWire(LoggerContext ctx, boolean userConfig) {
        for (String name : WIRE_LOGGERS) {
            Logger logger = ctx.getLogger(name);
            Level level = logger.getLevel();
            if (level == null || !userConfig && !level.isGreaterOrEqual(Level.INFO)) {
                logger.setLevel(Level.INFO);
            }
        }
    }

    private static void pinJul() {
        synchronized (PINNED) {
            for (String name : JUL_WIRE_LOGGERS) {
                java.util.logging.Logger logger = java.util.logging.Logger.getLogger(name);
                java.util.logging.Level level = logger.getLevel();
                if (level == null || level.intValue() < java.util.logging.Level.INFO.intValue()) {
                    logger.setLevel(java.util.logging.Level.INFO);
                }
                if (!PINNED.contains(logger)) {
                    PINNED.add(logger);
                }
            }
        }
    }
}
