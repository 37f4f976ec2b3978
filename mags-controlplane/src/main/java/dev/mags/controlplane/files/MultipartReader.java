package dev.mags.controlplane.files;

import dev.mags.controlplane.error.BadRequestException;
import io.undertow.server.DefaultByteBufferPool;
import io.undertow.util.HeaderMap;
import io.undertow.util.Headers;
import io.undertow.util.MultipartParser;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * Reads a {@code multipart/form-data} body as it arrives and hands each file part's bytes, in order, to a
 * {@link FileSink}; nothing of a file is held beyond what the sink keeps. Parts without a file name (form
 * fields) are skipped, up to {@link #MAX_FIELD_BYTES} each.
 */
final class MultipartReader {
    static final int MAX_FIELD_BYTES = 64 * 1024;
    private static final int READ_BYTES = 64 * 1024;

    /** Receives the files of one body. */
    interface FileSink {
        void begin(String sentFileName);

        void data(ByteBuffer bytes);

        void end();
    }

    private MultipartReader() {}

    /** The boundary of a {@code multipart/form-data} content type; 400 for any other type. */
    static String boundary(String contentType) {
        if (contentType == null || !contentType.toLowerCase(java.util.Locale.ROOT).startsWith("multipart/form-data")) {
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
        Handler handler = new Handler(sink);
        try (DefaultByteBufferPool pool = new DefaultByteBufferPool(false, 8192, 4, 0)) {
            MultipartParser.ParseState state = MultipartParser.beginParse(pool, handler,
                    boundary.getBytes(StandardCharsets.US_ASCII), StandardCharsets.UTF_8.name());
            byte[] buffer = new byte[READ_BYTES];
            for (int n; (n = body.read(buffer)) > 0 && !state.isComplete(); ) {
                state.parse(ByteBuffer.wrap(buffer, 0, n));
            }
            if (!state.isComplete()) {
                throw new BadRequestException("invalid_upload", "the upload ended before its closing multipart boundary "
                        + "(the body was cut short, or its boundary is not the one of its Content-Type)");
            }
        } catch (io.undertow.server.RequestTooBigException e) {
            throw new dev.mags.controlplane.error.PayloadTooLargeException("upload_too_large", "the upload is larger "
                    + "than this server takes in one request; send fewer or smaller files per upload");
        } catch (IOException e) {
            if (e.getMessage() != null && e.getMessage().startsWith("UT0")) { // Undertow's parser on malformed input
                throw new BadRequestException("invalid_upload", "the multipart/form-data body is malformed: " + e.getMessage());
            }
            throw e;
        }
    }

    private static final class Handler implements MultipartParser.PartHandler {
        private final FileSink sink;
        private boolean inFile;
        private long fieldBytes;

        Handler(FileSink sink) {
            this.sink = sink;
        }

        @Override
        public void beginPart(HeaderMap headers) {
            String disposition = headers.getFirst(Headers.CONTENT_DISPOSITION);
            String fileName = disposition == null ? null : fileName(disposition);
            inFile = fileName != null;
            fieldBytes = 0;
            if (inFile) {
                sink.begin(fileName);
            }
        }

        @Override
        public void data(ByteBuffer bytes) {
            if (inFile) {
                sink.data(bytes);
                return;
            }
            fieldBytes += bytes.remaining();
            bytes.position(bytes.limit());
            if (fieldBytes > MAX_FIELD_BYTES) {
                throw new BadRequestException("invalid_upload", "a form field of the upload is larger than "
                        + MAX_FIELD_BYTES + " bytes; send files as parts with a filename");
            }
        }

        @Override
        public void endPart() {
            if (inFile) {
                sink.end();
            }
            inFile = false;
        }

        private static String fileName(String disposition) {
            String plain = Headers.extractQuotedValueFromHeader(disposition, "filename");
            if (plain != null) {
                return plain;
            }
            String extended = Headers.extractQuotedValueFromHeader(disposition, "filename*"); // RFC 5987: UTF-8''name
            if (extended != null && extended.toLowerCase(java.util.Locale.ROOT).startsWith("utf-8''")) {
                return java.net.URLDecoder.decode(extended.substring(7).replace("+", "%2B"), StandardCharsets.UTF_8);
            }
            return null;
        }
    }
}
