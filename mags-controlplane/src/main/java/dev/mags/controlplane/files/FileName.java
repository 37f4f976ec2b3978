package dev.mags.controlplane.files;

import dev.mags.controlplane.error.BadRequestException;
import java.nio.charset.StandardCharsets;

/**
 * The name an uploaded file gets under {@code /root/}: the last component of what the client sent (after any
 * {@code /} or {@code \}), without control characters. Nothing of it can name another directory: a name that
 * is empty, {@code .} or {@code ..} after that is refused.
 */
public record FileName(String value) {
    public static final int MAX_BYTES = 255;

    public FileName {
        if (value == null || value.isEmpty() || value.equals(".") || value.equals("..") || value.indexOf('/') >= 0) {
            throw new IllegalArgumentException("not a file name: " + value);
        }
    }

    /** The safe name for what a client sent as a part's file name. */
    public static FileName of(String sent) {
        String name = sent == null ? "" : sent;
        int slash = Math.max(name.lastIndexOf('/'), name.lastIndexOf('\\'));
        name = name.substring(slash + 1).codePoints()
                .filter(c -> !Character.isISOControl(c) && c != 0x7f)
                .collect(StringBuilder::new, StringBuilder::appendCodePoint, StringBuilder::append).toString().strip();
        if (name.isEmpty() || name.equals(".") || name.equals("..")) {
            throw new BadRequestException("invalid_file_name", "the file name \"" + printable(sent) + "\" has no usable "
                    + "last component; name the file (e.g. data.csv)");
        }
        if (name.getBytes(StandardCharsets.UTF_8).length > MAX_BYTES) {
            throw new BadRequestException("invalid_file_name", "the file name \"" + printable(name).substring(0, 40)
                    + "...\" is longer than " + MAX_BYTES + " bytes");
        }
        return new FileName(name);
    }

    private static String printable(String s) {
        return s == null ? "" : s.replaceAll("\\p{Cntrl}", "?");
    }
}
