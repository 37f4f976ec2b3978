package dev.mags.wire;

import dev.mags.protocol.v2.ExecListener;
import dev.mags.protocol.v2.ExecStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** Takes a large stdout without keeping it: its length and SHA-256, in the order the bytes came; stderr in full. */
final class DigestListener implements ExecListener {
    private final MessageDigest stdout = sha256();
    private final ByteArrayOutputStream stderr = new ByteArrayOutputStream();
    private long stdoutBytes;

    @Override
    public synchronized void output(ExecStream stream, byte[] data, int offset, int length) {
        if (stream == ExecStream.STDOUT) {
            stdout.update(data, offset, length);
            stdoutBytes += length;
        } else {
            stderr.write(data, offset, length);
        }
    }

    synchronized long stdoutBytes() {
        return stdoutBytes;
    }

    synchronized String stdoutDigest() {
        try {
            return HexFormat.of().formatHex(((MessageDigest) stdout.clone()).digest());
        } catch (CloneNotSupportedException e) {
            throw new IllegalStateException(e);
        }
    }

    synchronized String stderrText() {
        return stderr.toString(StandardCharsets.UTF_8);
    }

    static String sha256(byte[] data) {
        return HexFormat.of().formatHex(sha256().digest(data));
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
