package io.cloudsync.cli;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

class LoggingTest {

    private final LoggerContext ctx = (LoggerContext) LoggerFactory.getILoggerFactory();

    @AfterEach
    void restore() {
        System.clearProperty(Logging.LEVEL_PROPERTY);
        Logging.configure(false);
    }

    @Test
    void wireAndSignerLoggers_stayAtInfo_evenWhenTheLevelAskedForIsTrace() {
        System.setProperty(Logging.LEVEL_PROPERTY, "trace");
        java.util.logging.Logger.getLogger("com.google.api.client.http.HttpTransport").setLevel(java.util.logging.Level.ALL);

        Logging.configure(true);

        assertThat(ctx.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME).getLevel()).isEqualTo(Level.TRACE);
        assertThat(ctx.getLogger("io.cloudsync.core.CloudSync").isTraceEnabled()).isTrue();
        for (String name : Logging.WIRE_LOGGERS) {
            assertThat(ctx.getLogger(name).getEffectiveLevel()).as(name).isEqualTo(Level.INFO);
            assertThat(ctx.getLogger(name + ".child").isDebugEnabled()).as(name).isFalse();
        }
        for (String name : Logging.JUL_WIRE_LOGGERS) {
            assertThat(java.util.logging.Logger.getLogger(name).getLevel()).as(name).isEqualTo(java.util.logging.Level.INFO);
        }
    }

    @Test
    void byDefault_onlyWarningsReachStderr_andVerboseAddsInfo() {
        Logging.configure(false);
        assertThat(ctx.getLogger("io.cloudsync.core.CloudSync").isInfoEnabled()).isFalse();
        assertThat(ctx.getLogger("io.cloudsync.core.CloudSync").isWarnEnabled()).isTrue();

        Logging.configure(true);
        assertThat(ctx.getLogger("io.cloudsync.core.CloudSync").isInfoEnabled()).isTrue();
        assertThat(ctx.getLogger("io.cloudsync.core.CloudSync").isDebugEnabled()).isFalse();
    }
}
