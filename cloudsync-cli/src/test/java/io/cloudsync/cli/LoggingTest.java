package io.cloudsync.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class LoggingTest {

    private final Map<String, String> saved = new HashMap<>();

    @BeforeEach
    void save() {
        System.getProperties().stringPropertyNames().stream().filter(k -> k.startsWith("org.slf4j.simpleLogger."))
                .forEach(k -> saved.put(k, System.getProperty(k)));
    }

    @AfterEach
    void restore() {
        System.getProperties().stringPropertyNames().stream().filter(k -> k.startsWith("org.slf4j.simpleLogger."))
                .forEach(System::clearProperty);
        saved.forEach(System::setProperty);
    }

    @Test
    void wireAndSignerLoggers_stayAtInfo_evenWhenTheDefaultLevelIsTrace() {
        System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "trace");
        java.util.logging.Logger.getLogger("com.google.api.client.http.HttpTransport").setLevel(java.util.logging.Level.ALL);

        Logging.configure(true);

        assertThat(System.getProperty("org.slf4j.simpleLogger.defaultLogLevel")).isEqualTo("trace");
        for (String name : Logging.WIRE_LOGGERS) {
            assertThat(System.getProperty("org.slf4j.simpleLogger.log." + name)).as(name).isEqualTo("info");
        }
        for (String name : Logging.JUL_WIRE_LOGGERS) {
            assertThat(java.util.logging.Logger.getLogger(name).getLevel()).as(name).isEqualTo(java.util.logging.Level.INFO);
        }
    }

    @Test
    void aLevelNamedOnTheCommandLine_wins() {
        System.setProperty("org.slf4j.simpleLogger.log.org.apache.hc.client5.http.wire", "warn");

        Logging.configure(false);

        assertThat(System.getProperty("org.slf4j.simpleLogger.log.org.apache.hc.client5.http.wire")).isEqualTo("warn");
    }
}
