package io.cloudsync.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneId;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code versions} and {@code restore}: what the trash keeps, brought back from the command line. */
class TrashCliTest {

    @TempDir
    Path tmp;
    Fixture f;
    Instant before;

    @BeforeEach
    void setUp() throws Exception {
        f = new Fixture(tmp);
        assertThat(f.run("sync", "--service", "local", "--snapshot", "nightly").code()).isZero();
        Thread.sleep(20);
        before = Instant.now();
        Thread.sleep(20);
        f.write("a.txt", "alpha, changed");
        Files.delete(f.root.resolve("docs/b.txt"));
        assertThat(f.run("sync", "--service", "local", "--snapshot", "nightly", "--allow-mass-delete").code()).isZero();
    }

    @Test
    void versions_listsWhatWasDeletedAndOverwritten() {
        Fixture.Run text = f.run("versions", "--service", "local", "--snapshot", "nightly");

        assertThat(text.code()).as(text.toString()).isZero();
        assertThat(text.out()).contains("overwritten", "a.txt", "deleted", "docs/b.txt", "kept 30 days", "cloudsync restore");

        Fixture.Run json = f.run("versions", "--service", "local", "--snapshot", "nightly", "docs", "--json");
        assertThat(json.code()).isZero();
        JsonNode list = json.json().path("versions").path("versions");
        assertThat(list).hasSize(1);
        assertThat(list.get(0).path("path").asText()).isEqualTo("docs/b.txt");
        assertThat(list.get(0).path("change").asText()).isEqualTo("deleted");
    }

    @Test
    void restore_writesTheTreeAsItWas_orOnlySomePaths() {
        Path all = tmp.resolve("all");
        Fixture.Run r = f.run("restore", "--service", "local", "--snapshot", "nightly", "--at", before.toString(), "--target",
                all.toString());

        assertThat(r.code()).as(r.toString()).isZero();
        // the project's config file is part of the mirror too
        assertThat(r.out()).contains("Restored", "success", "4 written").doesNotContain("warning");
        assertThat(Fixture.read(all, k -> !k.startsWith("config/")))
                .isEqualTo(Map.of("a.txt", "alpha", "docs/b.txt", "bravo", "docs/deep/c.txt", "charlie"));
        assertThat(all.resolve("config/cloudsync.json")).exists();

        Path some = tmp.resolve("some");
        Fixture.Run json = f.run("restore", "--service", "local", "--snapshot", "nightly", "--at", before.toString(), "--path",
                "docs/b.txt", "--target", some.toString(), "--json");
        assertThat(json.code()).as(json.toString()).isZero();
        assertThat(json.json().path("restore").path("written").asInt()).isEqualTo(1);
        assertThat(json.json().path("restore").path("history_complete").asBoolean()).isTrue();
        assertThat(Fixture.read(some)).isEqualTo(Map.of("docs/b.txt", "bravo"));
    }

    @Test
    void aBadTime_orAPathThatNamesNothing_isAUsageError() {
        Fixture.Run bad = f.run("restore", "--service", "local", "--snapshot", "nightly", "--at", "last tuesday", "--target",
                tmp.resolve("x").toString());
        assertThat(bad.code()).isEqualTo(2);
        assertThat(bad.err()).contains("last tuesday", "ISO-8601", "2d");

        Fixture.Run nothing = f.run("restore", "--service", "local", "--snapshot", "nightly", "--at", before.toString(),
                "--path", "no/such/file", "--target", tmp.resolve("y").toString());
        assertThat(nothing.code()).isEqualTo(2);
        assertThat(nothing.err()).contains("no/such/file", "cloudsync versions");
        assertThat(tmp.resolve("x")).doesNotExist();
        assertThat(tmp.resolve("y")).doesNotExist();
    }

    @Test
    void atAcceptsInstants_offsets_localTimes_andDurationsAgo() {
        CommandLine cl = new CommandLine(new RestoreCommand());
        Instant now = Instant.parse("2026-12-03T12:00:00Z");
        ZoneId zone = ZoneId.of("Europe/Berlin");
        assertThat(RestoreCommand.parseTime("2026-12-03T10:00:00Z", now, zone, cl)).isEqualTo(Instant.parse("2026-12-03T10:00:00Z"));
        assertThat(RestoreCommand.parseTime("2026-12-03T11:00+01:00", now, zone, cl)).isEqualTo(Instant.parse("2026-12-03T10:00:00Z"));
        assertThat(RestoreCommand.parseTime("2026-12-03T11:00", now, zone, cl)).isEqualTo(Instant.parse("2026-12-03T10:00:00Z"));
        assertThat(RestoreCommand.parseTime("90m", now, zone, cl)).isEqualTo(Instant.parse("2026-12-03T10:30:00Z"));
        assertThat(RestoreCommand.parseTime("2d", now, zone, cl)).isEqualTo(Instant.parse("2026-12-01T12:00:00Z"));
    }
}
