package io.cloudsync.core.internal.manifest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class GlobTest {

    @Test
    void matchesFile_doubleStarSuffix_matchesEverythingUnderTheFolderOnly() {
        Glob g = Glob.of("cache/**");

        assertThat(g.matchesFile("cache/a")).isTrue();
        assertThat(g.matchesFile("cache/a/b/c.txt")).isTrue();
        assertThat(g.matchesFile("cachex/a")).isFalse();
        assertThat(g.matchesFile("src/cache/a")).isFalse();
        assertThat(g.matchesFolder("cache")).isTrue();
        assertThat(g.matchesFolder("cache2")).isFalse();
    }

    @Test
    void matchesFile_leadingDoubleStar_matchesAtAnyDepthIncludingTop() {
        Glob g = Glob.of("**/*.log");

        assertThat(g.matchesFile("a.log")).isTrue();
        assertThat(g.matchesFile("x/y/a.log")).isTrue();
        assertThat(g.matchesFile("x/a.log.txt")).isFalse();
    }

    @Test
    void matchesFile_singleStarAndQuestionMark_stayWithinOneSegment() {
        assertThat(Glob.of("*.txt").matchesFile("a.txt")).isTrue();
        assertThat(Glob.of("*.txt").matchesFile("d/a.txt")).isFalse();
        assertThat(Glob.of("d/?.txt").matchesFile("d/a.txt")).isTrue();
        assertThat(Glob.of("d?a.txt").matchesFile("d/a.txt")).isFalse();
    }

    @Test
    void matchesFile_regexCharacters_matchLiterally() {
        Glob g = Glob.of("a+(b)[c].{d}$");

        assertThat(g.matchesFile("a+(b)[c].{d}$")).isTrue();
        assertThat(g.matchesFile("aa(b)[c].{d}$")).isFalse();
    }

    @Test
    void matchesFolder_patternNamingAFolder_excludesIt() {
        Glob g = Glob.of("**/node_modules");

        assertThat(g.matchesFolder("web/node_modules")).isTrue();
        assertThat(g.matchesFolder("node_modules")).isTrue();
        assertThat(g.matchesFolder("web/node_modules2")).isFalse();
    }

    @Test
    void of_badPattern_isRejectedWithReason() {
        assertThatThrownBy(() -> Glob.of("")).hasMessageContaining("empty");
        assertThatThrownBy(() -> Glob.of("/abs/**")).hasMessageContaining("relative");
        assertThatThrownBy(() -> Glob.of("a\\b")).hasMessageContaining("'/'");
    }
}
