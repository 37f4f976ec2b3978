package dev.mags.controlplane.ssh.files;

import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.UserPrincipalNotFoundException;

/** A user or group of a sandbox by its numeric id (the gateway cannot read the sandbox's /etc/passwd safely). */
record NumericPrincipal(long id) implements GroupPrincipal {
    static NumericPrincipal parse(String name) throws UserPrincipalNotFoundException {
        try {
            long id = Long.parseLong(name);
            if (id >= 0 && id <= 0xFFFF_FFFFL) {
                return new NumericPrincipal(id);
            }
        } catch (NumberFormatException e) {
            // falls through: only numeric ids are known
        }
        throw new UserPrincipalNotFoundException(name);
    }

    @Override
    public String getName() {
        return Long.toString(id);
    }
}
