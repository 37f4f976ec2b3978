package dev.mags.controlplane.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** Finds the request with a folded header, whatever the bodies before it hold and however reads split the bytes. */
class FoldScannerTest {
    private static final String CHUNKED_WITH_TRAILER = "POST /a HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
            + "5;ext=1\r\nab\r\n \r\n3\r\n\r\n \r\n0\r\nX-Trailer: v\r\n\r\n";
    private static final String FIXED = "POST /b HTTP/1.1\r\nHost: x\r\ncontent-length: 7\r\n\r\n\r\n \r\n\t\r";
    private static final String FOLDED = "GET /c HTTP/1.1\r\nHost: x\r\nX-Long: one\r\n two\r\n\r\n";
    private static final String PLAIN = "GET /d HTTP/1.1\r\nHost: x\r\nX-Spaced: a  b\r\n\r\n";

    private static FoldScanner scan(String wire, int readSize) {
        FoldScanner s = new FoldScanner();
        byte[] bytes = wire.getBytes(StandardCharsets.ISO_8859_1);
        ByteBuffer buffer = ByteBuffer.wrap(bytes);
        for (int at = 0; at < bytes.length; at += readSize) {
            s.scan(buffer, at, Math.min(bytes.length, at + readSize));
        }
        return s;
    }

    @Test
    void findsTheFoldedRequestAfterBodiesThatHoldLineBreaksAndSpaces() {
        for (int readSize : new int[] {1, 2, 3, 7, 4096}) {
            FoldScanner s = scan(CHUNKED_WITH_TRAILER + FIXED + PLAIN + FOLDED + PLAIN, readSize);
            assertThat(s.firstFoldedRequest()).as("reads of %d bytes", readSize).isEqualTo(4);
            assertThat(s.foldedHeader()).isEqualTo("X-Long");
        }
    }

    @Test
    void requestsWithoutFoldsAreNotFlagged() {
        for (int readSize : new int[] {1, 5, 4096}) {
            assertThat(scan(CHUNKED_WITH_TRAILER + FIXED + PLAIN + CHUNKED_WITH_TRAILER, readSize).firstFoldedRequest())
                    .isZero();
        }
    }

    @Test
    void aBodyItCannotFrameEndsTheScanRatherThanGuessing() {
        FoldScanner s = scan("POST /e HTTP/1.1\r\nContent-Length: x\r\n\r\n" + FOLDED, 4096);
        assertThat(s.firstFoldedRequest()).isZero(); // Undertow refuses the length and closes the connection
        assertThat(scan(FOLDED, 4096).firstFoldedRequest()).isEqualTo(1);
    }
}
