package dev.mags.cli.mcp;

/** Cuts long output for a model's context: the end is kept (where errors and results are), with a note. */
final class Truncation {
    private Truncation() {}

    /** {@code text} itself when it has at most {@code max} characters, else its last {@code max} after a note. */
    static String tail(String text, int max, String whereAll) {
        if (text.length() <= max) {
            return text;
        }
        int cut = text.length() - max;
        if (Character.isLowSurrogate(text.charAt(cut))) {
            cut++; // never split a character
        }
        return "[" + cut + " characters cut; " + whereAll + "]\n" + text.substring(cut);
    }
}
