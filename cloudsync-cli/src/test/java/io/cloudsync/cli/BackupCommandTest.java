package io.cloudsync.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BackupCommandTest {

    @TempDir
    Path tmp;
    Fixture f;

    @BeforeEach
    void setUp() {
        f = new Fixture(tmp);
    }

    private String create(String label) {
        Fixture.Run run = f.run("backup", "create", "--label", label, "--path", "a.txt", "--path", "docs", "--json");
        assertThat(run.code()).as(run.toString()).isZero();
        return run.json().get("backup").get("name").asText();
    }

    @Test
    void createListVerifyRestore_roundTripIntoAnEmptyFolder() {
        Fixture.Run made = f.run("backup", "create", "--label", "before upgrade", "--path", "a.txt", "--path", "docs");
        assertThat(made.code()).as(made.toString()).isZero();
        assertThat(made.out()).contains("Created ", "backups/cloud/", "3 files");

        JsonNode list = f.run("backup", "list", "--json").json().get("backup").get("backups");
        assertThat(list).hasSize(1);
        String name = list.get(0).get("name").asText();
        assertThat(list.get(0).get("label").asText()).isEqualTo("before upgrade");
        assertThat(f.run("backup", "list").out()).contains(name);

        Fixture.Run verify = f.run("backup", "verify", name);
        assertThat(verify.code()).as(verify.toString()).isZero();
        assertThat(verify.out()).contains("is intact");

        Path target = tmp.resolve("restored");
        Fixture.Run restore = f.run("backup", "restore", name, "--target", target.toString());
        assertThat(restore.code()).as(restore.toString()).isZero();
        assertThat(Fixture.read(target)).isEqualTo(f.projectFiles());
    }

    @Test
    void create_keep_rotatesOlderArchives() {
        create("one");
        create("two");
        Fixture.Run third = f.run("backup", "create", "--label", "three", "--path", "a.txt", "--keep", "2", "--json");

        assertThat(third.json().get("backup").get("rotated")).hasSize(1);
        assertThat(f.run("backup", "list", "--json").json().get("backup").get("backups")).hasSize(2);
        assertThat(f.run("backup", "create", "--keep", "0").code()).isEqualTo(2);
    }

    @Test
    void restore_existingFilesAreSkippedUnlessReplaced_andBlockedOnesMakeItPartial() throws Exception {
        String name = create("x");
        Path target = tmp.resolve("restored");
        Fixture.write(target, "a.txt", "mine");
        Path outside = Files.createDirectories(tmp.resolve("outside"));
        Files.createSymbolicLink(target.resolve("docs"), outside);

        Fixture.Run run = f.run("backup", "restore", name, "--target", target.toString(), "--json");

        assertThat(run.code()).as(run.toString()).isEqualTo(1);
        JsonNode b = run.json().get("backup");
        assertThat(b.get("skipped").toString()).contains("a.txt");
        assertThat(b.get("refused")).hasSize(2);
        assertThat(Fixture.read(outside)).isEmpty();

        Files.delete(target.resolve("docs"));
        Files.createDirectories(target.resolve("docs"));
        Files.createSymbolicLink(target.resolve("docs/deep"), outside);
        Fixture.Run partial = f.run("backup", "restore", name, "--target", target.toString(), "--replace-existing");
        assertThat(partial.code()).as(partial.toString()).isEqualTo(3);
        assertThat(partial.out()).contains("refused docs/deep/c.txt");
        assertThat(Fixture.read(target.resolve("a.txt").getParent(), k -> !k.startsWith("docs/deep")))
                .containsEntry("a.txt", "alpha").containsEntry("docs/b.txt", "bravo");
        assertThat(Fixture.read(outside)).isEmpty();
    }

    @Test
    void verifyAndRestore_damagedArchive_exit1AndWriteNothing() throws Exception {
        String name = create("x");
        Path archive = f.root.resolve("backups/cloud").resolve(name);
        byte[] bytes = Files.readAllBytes(archive);
        bytes[bytes.length / 3] ^= 0x5a;
        Files.write(archive, bytes, StandardOpenOption.TRUNCATE_EXISTING);

        Fixture.Run verify = f.run("backup", "verify", name);
        assertThat(verify.code()).isEqualTo(1);
        assertThat(verify.err()).contains("backup archive " + name + " is rejected").doesNotContain("\tat ");

        Path target = tmp.resolve("restored");
        Fixture.Run restore = f.run("backup", "restore", name, "--target", target.toString(), "--json");
        assertThat(restore.code()).isEqualTo(1);
        assertThat(restore.json().get("error").get("type").asText()).isEqualTo("backup");
        assertThat(target).doesNotExist();
    }

    @Test
    void badNamesAndMissingCommand_areRefusedClearly() {
        // a name with a path is a bad argument (BackupException.Reason.INVALID_ARGUMENT): exit 2, as for any usage error
        Fixture.Run withPath = f.run("backup", "verify", "../etc/passwd", "--json");
        assertThat(withPath.code()).isEqualTo(2);
        assertThat(withPath.json().get("error").get("category").asText()).isEqualTo("configuration");
        assertThat(withPath.json().get("error").get("reason").asText()).isEqualTo("invalid_argument");
        Fixture.Run missing = f.run("backup", "verify", "nope.zip", "--json");
        assertThat(missing.code()).isEqualTo(1);
        assertThat(missing.json().get("error").get("category").asText()).isEqualTo("not_found");
        assertThat(f.run("backup", "verify", "nope.zip").err()).contains("nope.zip");
        Fixture.Run none = f.run("backup");
        assertThat(none.code()).isEqualTo(2);
        assertThat(none.err()).contains("create, list, prune, restore or verify");
    }
}
