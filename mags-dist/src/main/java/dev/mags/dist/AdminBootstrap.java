package dev.mags.dist;

import dev.mags.controlplane.auth.TokenService;
import dev.mags.controlplane.state.UserStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;

/** On the first start (no users yet) creates the admin user and writes its token, readable by root only. */
final class AdminBootstrap {
    static final String ADMIN = "admin";

    private AdminBootstrap() {}

    /** Returns true if it created the admin. */
    static boolean ensureAdmin(UserStore users, TokenService tokens, Path tokenFile) {
        if (users.countUsers() > 0) {
            return false;
        }
        String token = tokens.createToken(ADMIN, true);
        writePrivate(tokenFile, token + "\n");
        return true;
    }

    /** Writes a file created with mode 0600 from the start, then moved into place. */
    static void writePrivate(Path file, String content) {
        try {
            Path tmp = Files.createTempFile(file.getParent(), ".admin-token", ".tmp",
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            Files.writeString(tmp, content);
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("could not write " + file + ": " + e.getMessage(), e);
        }
    }
}
