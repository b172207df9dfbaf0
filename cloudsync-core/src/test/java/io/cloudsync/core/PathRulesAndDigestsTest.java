package io.cloudsync.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cloudsync.Digests;
import io.cloudsync.PathRules;
import org.junit.jupiter.api.Test;

/** The quick checks in PathRules and Digests (an ASCII fast path, a loop for the hex) accept and reject exactly as the full rules. */
class PathRulesAndDigestsTest {

    @Test
    void requireCanonical_plainAsciiPaths_areReturnedAsGiven() {
        for (String ok : new String[] {"a", "a/b.txt", "docs/read me.txt", ".hidden/x", "a/...", "..a/b..", "a/x:y"}) {
            assertThat(PathRules.requireCanonical(ok)).isEqualTo(ok);
        }
    }

    @Test
    void requireCanonical_brokenAsciiPaths_areRejectedWithTheRule() {
        String[][] cases = {
            {"", "empty"}, {"/a", "relative"}, {"a\\b", "separator"}, {"a\0b", "NUL"}, {"C:/x", "drive letter"},
            {"a//b", "segments"}, {"a/", "segments"}, {"./a", "segments"}, {"a/..", "segments"}, {"a/./b", "segments"},
        };
        for (String[] c : cases) {
            assertThatThrownBy(() -> PathRules.requireCanonical(c[0])).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining(c[1]);
        }
    }

    @Test
    void requireCanonical_nonAsciiPath_isNormalisedToNfc() {
        assertThat(PathRules.requireCanonical("dir/cafe\u0301.txt")).isEqualTo("dir/caf\u00e9.txt");
        assertThatThrownBy(() -> PathRules.requireCanonical("caf\u00e9/../x")).hasMessageContaining("segments");
    }

    @Test
    void isSha256Hex_acceptsOnlyLowerCaseHexOf64() {
        assertThat(Digests.isSha256Hex(Digests.EMPTY_SHA256)).isTrue();
        assertThat(Digests.isSha256Hex(Digests.EMPTY_SHA256.toUpperCase(java.util.Locale.ROOT))).isFalse();
        assertThat(Digests.isSha256Hex(Digests.EMPTY_SHA256.substring(1))).isFalse();
        assertThat(Digests.isSha256Hex(Digests.EMPTY_SHA256 + "0")).isFalse();
        assertThat(Digests.isSha256Hex("g" + Digests.EMPTY_SHA256.substring(1))).isFalse();
        assertThat(Digests.isSha256Hex(null)).isFalse();
    }
}
