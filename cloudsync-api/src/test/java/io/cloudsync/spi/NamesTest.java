package io.cloudsync.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class NamesTest {

    @ParameterizedTest
    @ValueSource(strings = {"nightly", "milestone-12", "café", "with space", ".hidden", "..."})
    void snapshotNames_thatFollowTheRules_areAccepted(String name) {
        assertThat(Names.requireSnapshot(name)).isEqualTo(name);
        assertThat(Names.isSnapshot(name)).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"", ".", "..", ".cloudsync", "a/b", "a\\b", "tab\there", "del\u007f"})
    void snapshotNames_thatBreakARule_areRefusedWithTheRule(String name) {
        assertThat(Names.isSnapshot(name)).isFalse();
        assertThatThrownBy(() -> Names.requireSnapshot(name)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("snapshot name").hasMessageContaining("use one path segment");
    }

    @Test
    void theLongestSnapshotName_stillNamesItsManifest() {
        String longest = "s".repeat(Names.MAX_SNAPSHOT);
        assertThat(Names.requireSnapshot(longest)).isEqualTo(longest);
        assertThat(Names.requireMetadataName("manifests/" + longest + ".json")).endsWith(".json");
        assertThatThrownBy(() -> Names.requireSnapshot(longest + "s")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining((Names.MAX_SNAPSHOT + 1) + " characters long")
                .hasMessageContaining("at most " + Names.MAX_SNAPSHOT);
    }

    @Test
    void metadataNames_areSegmentsJoinedBySlash() {
        assertThat(Names.requireMetadataName("manifests/nightly.json")).isEqualTo("manifests/nightly.json");
        assertThat(Names.requireMetadataPrefix("")).isEmpty();
        assertThat(Names.requireMetadataPrefix("manifests/")).isEqualTo("manifests/");
        for (String bad : new String[] {"", "/a", "a/", "a//b", "a/./b", "a/../b", "a\\b", "a/\u0001"}) {
            assertThatThrownBy(() -> Names.requireMetadataName(bad)).as("name %s", bad)
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("metadata name");
        }
        assertThatThrownBy(() -> Names.requireMetadataName("a".repeat(Names.MAX_METADATA_NAME + 1)))
                .hasMessageContaining("at most " + Names.MAX_METADATA_NAME);
    }

    @Test
    void aControlCharacterIsShownEscaped_neverRaw() {
        assertThatThrownBy(() -> Names.requireSnapshot("bad\u001bname")).hasMessageContaining("bad\\u001bname")
                .message().doesNotContain("\u001b");
    }
}
