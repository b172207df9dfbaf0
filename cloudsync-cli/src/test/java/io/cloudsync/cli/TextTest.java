package io.cloudsync.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class TextTest {

    @Test
    void controlCharacters_areEscaped_asShortEscapesOrHex() {
        assertThat(Text.safe("a\nb")).isEqualTo("a\\nb");
        assertThat(Text.safe("a\r\tb")).isEqualTo("a\\r\\tb");
        assertThat(Text.safe("\u001b[31mred")).isEqualTo("\\x1b[31mred");
        assertThat(Text.safe("nul\u0000del\u007f")).isEqualTo("nul\\x00del\\x7f");
        assertThat(Text.safe("c1\u0085\u009b")).isEqualTo("c1\\u0085\\u009b");
    }

    @Test
    void bidiOverridesIsolatesAndLineSeparators_areEscaped() {
        assertThat(Text.safe("invoice\u202Efdp.exe")).isEqualTo("invoice\\u202efdp.exe");
        for (char c : new char[] {'\u202A', '\u202B', '\u202C', '\u202D', '\u2066', '\u2067', '\u2068', '\u2069',
                '\u200E', '\u200F', '\u061C', '\u2028', '\u2029'}) {
            assertThat(Text.safe("x" + c)).as("U+%04X", (int) c).isEqualTo(String.format("x\\u%04x", (int) c));
        }
    }

    @Test
    void ordinaryText_staysAsItIs_unicodeAndBackslashesIncluded() {
        String s = "données/über – 日本語 🎉 C:\\path ~!@#$%^&*()";
        assertThat(Text.safe(s)).isSameAs(s);
        assertThat(Text.safe(null)).isEqualTo("null");
    }

    @Test
    void safeLines_keepsTheLineBreaksOfAMessage_butEscapesTheRest() {
        assertThat(Text.safeLines("first \u001b line\n  problem: x\r\ny")).isEqualTo(
                "first \\x1b line" + System.lineSeparator() + "  problem: x" + System.lineSeparator() + "y");
    }
}
