package dev.mags.controlplane.files;

import dev.mags.controlplane.error.BadRequestException;
import dev.mags.controlplane.error.PayloadTooLargeException;
import io.undertow.util.Headers;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * Reads a {@code multipart/form-data} body as it arrives and hands each file part's bytes, in order, to a
 * {@link FileSink}; nothing of a file is held beyond one read buffer. Parts without a file name (form fields) are
 * skipped, up to {@link #MAX_FIELD_BYTES} each. The delimiter is looked for with Boyer-Moore-Horspool, which skips
 * most of a file's bytes without looking at them: uploads run at the speed of the copy, not of a byte-wise parser.
 */
final class MultipartReader {
    static final int MAX_FIELD_BYTES = 64 * 1024;
    /** Headers of one part (its name and type): a few hundred bytes; more is not a form's part. */
    static final int MAX_HEADER_BYTES = 16 * 1024;
    private static final int BUFFER_BYTES = 256 * 1024;

    /** Receives the files of one body. */
    interface FileSink {
        void begin(String sentFileName);

        void data(ByteBuffer bytes);

        void end();
    }

    private final InputStream body;
    private final FileSink sink;
    /** CR LF "--" boundary: what ends a part's body. */
    private final byte[] delimiter;
    private final int[] skip = new int[256];
    private final byte[] buf;
    private int pos;
    private int limit;
    private boolean eof;

    private MultipartReader(InputStream body, String boundary, FileSink sink) {
        this.body = body;
        this.sink = sink;
        this.delimiter = ("\r\n--" + boundary).getBytes(StandardCharsets.US_ASCII);
        this.buf = new byte[Math.max(BUFFER_BYTES, 4 * (delimiter.length + MAX_HEADER_BYTES))];
        java.util.Arrays.fill(skip, delimiter.length);
        for (int i = 0; i < delimiter.length - 1; i++) {
            skip[delimiter[i] & 0xff] = delimiter.length - 1 - i;
        }
    }

    /** The boundary of a {@code multipart/form-data} content type; 400 for any other type. */
    static String boundary(String contentType) {
        if (contentType == null || !contentType.toLowerCase(Locale.ROOT).startsWith("multipart/form-data")) {
            throw new BadRequestException("invalid_upload", "send files as multipart/form-data (got Content-Type "
                    + (contentType == null ? "none" : "\"" + contentType + "\"") + "), e.g. curl -F file=@data.csv");
        }
        String boundary = Headers.extractQuotedValueFromHeader(contentType, "boundary");
        if (boundary == null || boundary.isEmpty() || boundary.length() > 70) {
            throw new BadRequestException("invalid_upload", "the multipart/form-data Content-Type has no valid boundary");
        }
        return boundary;
    }

    /** Reads {@code body} to its end. A body cut short or not multipart is a 400; the sink's exceptions pass. */
    static void read(InputStream body, String boundary, FileSink sink) throws IOException {
        try {
            new MultipartReader(body, boundary, sink).parts();
        } catch (io.undertow.server.RequestTooBigException e) {
            throw new PayloadTooLargeException("upload_too_large", "the upload is larger than this server takes in one"
                    + " request; send fewer or smaller files per upload");
        }
    }

    private void parts() throws IOException {
        // The first delimiter may open the body without the CR LF before it, or follow a preamble.
        if (startsWith(delimiter, 2)) {
            pos += delimiter.length - 2;
        } else if (skipPast(delimiter) < 0) {
            throw cutShort();
        }
        while (true) {
            if (!fill(2)) {
                throw cutShort();
            }
            if (buf[pos] == '-' && buf[pos + 1] == '-') {
                return; // the closing delimiter; an epilogue after it is ignored
            }
            String fileName = headers();
            if (fileName != null) {
                sink.begin(fileName);
            }
            long fieldBytes = 0;
            while (true) {
                if (!fill(delimiter.length)) {
                    throw cutShort();
                }
                int at = indexOf(pos, limit);
                int end = at >= 0 ? at : limit - delimiter.length + 1;
                if (fileName != null) {
                    sink.data(ByteBuffer.wrap(buf, pos, end - pos));
                } else if ((fieldBytes += end - pos) > MAX_FIELD_BYTES) {
                    throw new BadRequestException("invalid_upload", "a form field of the upload is larger than "
                            + MAX_FIELD_BYTES + " bytes; send files as parts with a filename");
                }
                pos = end;
                if (at >= 0) {
                    pos += delimiter.length;
                    break;
                }
            }
            if (fileName != null) {
                sink.end();
            }
        }
    }

    /** The part's headers, up to the empty line after them; its file name, or null for a form field. */
    private String headers() throws IOException {
        int padding = lineLength(); // the rest of the delimiter's line (transport padding)
        if (padding < 0) {
            throw malformed("no line break after a boundary");
        }
        pos += padding + 2;
        String fileName = null;
        int read = 0;
        while (true) {
            int length = lineLength();
            if (length < 0) {
                throw malformed("a part's headers are longer than " + MAX_HEADER_BYTES + " bytes, or do not end");
            }
            String line = new String(buf, pos, length, StandardCharsets.UTF_8);
            pos += length + 2;
            if (line.isEmpty()) {
                return fileName;
            }
            read += length;
            if (read > MAX_HEADER_BYTES) {
                throw malformed("a part's headers are longer than " + MAX_HEADER_BYTES + " bytes");
            }
            int colon = line.indexOf(':');
            if (colon > 0 && line.substring(0, colon).strip().equalsIgnoreCase("Content-Disposition")) {
                fileName = fileName(line.substring(colon + 1).strip());
            }
        }
    }

    /**
     * The length of the line at {@code pos}, before its CR LF (reading as needed; a read may move the buffered
     * bytes, so only offsets from {@code pos} are kept); -1 when there is none within {@link #MAX_HEADER_BYTES}.
     */
    private int lineLength() throws IOException {
        for (int k = 0; k <= MAX_HEADER_BYTES; k++) {
            if (!fill(k + 2)) {
                return -1;
            }
            if (buf[pos + k] == '\r' && buf[pos + k + 1] == '\n') {
                return k;
            }
        }
        return -1;
    }

    private static String fileName(String disposition) {
        String plain = Headers.extractQuotedValueFromHeader(disposition, "filename");
        if (plain != null) {
            return plain;
        }
        String extended = Headers.extractQuotedValueFromHeader(disposition, "filename*"); // RFC 5987: UTF-8''name
        if (extended != null && extended.toLowerCase(Locale.ROOT).startsWith("utf-8''")) {
            return java.net.URLDecoder.decode(extended.substring(7).replace("+", "%2B"), StandardCharsets.UTF_8);
        }
        return null;
    }

    /** Whether the buffered bytes start with {@code bytes[from..]} (reading more as needed). */
    private boolean startsWith(byte[] bytes, int from) throws IOException {
        int n = bytes.length - from;
        return fill(n) && java.util.Arrays.equals(buf, pos, pos + n, bytes, from, bytes.length);
    }

    /** Moves past the next {@code bytes} (the preamble's end); -1 when the body ends first. */
    private int skipPast(byte[] bytes) throws IOException {
        while (fill(bytes.length)) {
            int at = indexOf(pos, limit);
            if (at >= 0) {
                pos = at + bytes.length;
                return pos;
            }
            pos = limit - bytes.length + 1;
        }
        return -1;
    }

    /** Where the delimiter starts in {@code buf[from, to)}, or -1 (Boyer-Moore-Horspool). */
    private int indexOf(int from, int to) {
        int last = delimiter.length - 1;
        int i = from;
        while (i + last < to) {
            int j = last;
            while (buf[i + j] == delimiter[j]) {
                if (j == 0) {
                    return i;
                }
                j--;
            }
            i += skip[buf[i + last] & 0xff];
        }
        return -1;
    }

    /** Makes at least {@code n} bytes available at {@code pos}; false when the body ends before. */
    private boolean fill(int n) throws IOException {
        if (limit - pos >= n) {
            return true;
        }
        if (pos > 0) {
            System.arraycopy(buf, pos, buf, 0, limit - pos);
            limit -= pos;
            pos = 0;
        }
        while (limit < n && !eof) {
            int read = body.read(buf, limit, buf.length - limit);
            if (read < 0) {
                eof = true;
            } else {
                limit += read;
            }
        }
        return limit - pos >= n;
    }

    private static BadRequestException cutShort() {
        return new BadRequestException("invalid_upload", "the upload ended before its closing multipart boundary "
                + "(the body was cut short, or its boundary is not the one of its Content-Type)");
    }

    private static BadRequestException malformed(String what) {
        return new BadRequestException("invalid_upload", "the multipart/form-data body is malformed: " + what);
    }
}
