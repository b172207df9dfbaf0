package io.cloudsync.support;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StateStoreTest {

    @TempDir
    Path dir;

    private static ObjectNode record(String value) {
        ObjectNode node = Json.mapper().createObjectNode();
        node.put("session", value);
        return node;
    }

    @Test
    void aSavedRecordIsReadBackByAnotherStoreOnTheSameFolder_ownerOnly() throws IOException {
        StateStore store = StateStore.inFolder(dir.resolve("states"));
        String key = StateStore.key("bucket", "a/b.bin");
        store.save(key, record("one"));
        store.save(key, record("two"));

        StateStore reopened = StateStore.inFolder(dir.resolve("states"));
        assertThat(reopened.load(key)).get().extracting(n -> n.get("session").asText()).isEqualTo("two");
        assertThat(reopened.all()).hasSize(1);
        Path file = dir.resolve("states").resolve(key + ".json");
        assertThat(Files.getPosixFilePermissions(file)).containsExactlyInAnyOrder(PosixFilePermission.OWNER_READ,
                PosixFilePermission.OWNER_WRITE);
    }

    @Test
    void keysOfDifferentPartsDiffer_evenWhenTheirConcatenationIsEqual() {
        assertThat(StateStore.key("ab", "c")).isNotEqualTo(StateStore.key("a", "bc"));
        assertThat(StateStore.key("a", "b")).isEqualTo(StateStore.key("a", "b")).hasSize(64);
    }

    @Test
    void aDamagedRecordIsAbsentAndRemoved() throws IOException {
        StateStore store = StateStore.inFolder(dir);
        String key = StateStore.key("x");
        Files.writeString(dir.resolve(key + ".json"), "{\"session\": \"trunc", StandardCharsets.UTF_8);

        assertThat(store.load(key)).isEmpty();
        assertThat(dir.resolve(key + ".json")).doesNotExist();
    }

    @Test
    void deleteIsIdempotent_andAMissingFolderHasNoRecords() throws IOException {
        StateStore store = StateStore.inFolder(dir.resolve("never-created"));
        assertThat(store.all()).isEmpty();
        store.delete(StateStore.key("nothing"));
        String key = StateStore.key("k");
        store.save(key, record("v"));
        store.delete(key);
        store.delete(key);
        assertThat(store.load(key)).isEmpty();
    }

    @Test
    void inMemoryRecordsAreCopies_soACallerCannotChangeAStoredOne() throws IOException {
        StateStore store = StateStore.inMemory();
        ObjectNode node = record("v");
        store.save("k", node);
        node.put("session", "changed");
        store.load("k").orElseThrow().put("session", "changed too");

        assertThat(store.load("k")).get().extracting(n -> n.get("session").asText()).isEqualTo("v");
        assertThat(store.folder()).isEmpty();
    }
}
