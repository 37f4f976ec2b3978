package dev.mags.controlplane.files;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mags.controlplane.error.BadRequestException;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The streaming multipart/form-data reader of uploads, fed as a network would: in reads of any size. */
class MultipartReaderTest {
    private static final String B = "XyZ-boundary-42";

    /** Collects the files by name. */
    private static final class Files implements MultipartReader.FileSink {
        final Map<String, ByteArrayOutputStream> files = new LinkedHashMap<>();
        private ByteArrayOutputStream current;

        @Override
        public void begin(String name) {
            current = new ByteArrayOutputStream();
            files.put(name, current);
        }

        @Override
        public void data(ByteBuffer bytes) {
            byte[] b = new byte[bytes.remaining()];
            bytes.get(b);
            current.writeBytes(b);
        }

        @Override
        public void end() {
            current = null;
        }
    }

    /** Hands out at most {@code step} bytes per read. */
    private static InputStream trickle(byte[] body, int step) {
        return new ByteArrayInputStream(body) {
            @Override
            public synchronized int read(byte[] b, int off, int len) {
                return super.read(b, off, Math.min(len, step));
            }
        };
    }

    private static byte[] part(String disposition, byte[] content) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(("--" + B + "\r\nContent-Disposition: form-data; " + disposition
                + "\r\nContent-Type: application/octet-stream\r\n\r\n").getBytes(StandardCharsets.UTF_8));
        out.writeBytes(content);
        out.writeBytes("\r\n".getBytes(StandardCharsets.US_ASCII));
        return out.toByteArray();
    }

    private static byte[] body(String preamble, byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(preamble.getBytes(StandardCharsets.US_ASCII));
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        out.writeBytes(("--" + B + "--\r\nepilogue").getBytes(StandardCharsets.US_ASCII));
        return out.toByteArray();
    }

    private static Files read(byte[] body, int step) throws IOException {
        Files files = new Files();
        MultipartReader.read(trickle(body, step), B, files);
        return files;
    }

    @Test
    void filesComeWholeWhateverTheReadSizesAndFieldsAreSkipped() throws IOException {
        byte[] big = new byte[700_000];
        new Random(7).nextBytes(big);
        // Bytes that start like the delimiter but are not it, at the very end of a file too (a whole delimiter in a
        // file's bytes would end it: senders pick a boundary its content does not hold).
        byte[] tricky = ("a\r\n--" + B.substring(0, 9) + "b\r\n--" + B.substring(0, B.length() - 1) + "x\r\n-")
                .getBytes(StandardCharsets.US_ASCII);
        byte[] body = body("a preamble\r\n", part("name=\"note\"", "just a field".getBytes(StandardCharsets.UTF_8)),
                part("name=\"file\"; filename=\"data.bin\"", big), part("name=\"f2\"; filename=\"t.txt\"", tricky),
                part("name=\"f3\"; filename*=UTF-8''caf%C3%A9+1.txt", new byte[0]));
        for (int step : new int[] {1, 7, 4096, 1 << 20}) {
            Files files = read(body, step);
            assertThat(files.files.keySet()).as("step %d", step).containsExactly("data.bin", "t.txt", "café+1.txt");
            assertThat(files.files.get("data.bin").toByteArray()).isEqualTo(big);
            assertThat(files.files.get("t.txt").toByteArray()).isEqualTo(tricky);
            assertThat(files.files.get("café+1.txt").toByteArray()).isEmpty();
        }
    }

    @Test
    void aBodyCutShortOrWithoutItsBoundaryIsRefused() {
        byte[] whole = body("", part("name=\"file\"; filename=\"a\"", new byte[1000]));
        byte[] cut = java.util.Arrays.copyOf(whole, whole.length - 30);
        assertThatThrownBy(() -> read(cut, 100)).isInstanceOf(BadRequestException.class)
                .hasMessageContaining("ended before its closing multipart boundary");
        assertThatThrownBy(() -> read("not multipart at all".getBytes(StandardCharsets.US_ASCII), 5))
                .isInstanceOf(BadRequestException.class).hasMessageContaining("closing multipart boundary");
        assertThatThrownBy(() -> read(new byte[0], 5)).isInstanceOf(BadRequestException.class);
    }

    @Test
    void oversizedFieldsAndHeadersAreRefused() {
        byte[] field = body("", part("name=\"x\"", new byte[MultipartReader.MAX_FIELD_BYTES + 1]));
        assertThatThrownBy(() -> read(field, 8192)).isInstanceOf(BadRequestException.class)
                .hasMessageContaining("form field");
        byte[] header = body("", part("name=\"x\"; filename=\"" + "n".repeat(MultipartReader.MAX_HEADER_BYTES) + "\"",
                new byte[1]));
        assertThatThrownBy(() -> read(header, 8192)).isInstanceOf(BadRequestException.class)
                .hasMessageContaining("malformed");
    }
}
