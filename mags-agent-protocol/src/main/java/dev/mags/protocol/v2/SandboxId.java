package dev.mags.protocol.v2;

import java.util.Objects;

/** A sandbox's id: every resource an agent creates for the sandbox carries it, so that reconcile can tell whose it is. */
public record SandboxId(String value) {
    public SandboxId {
        Objects.requireNonNull(value, "value");
        if (!value.matches("[A-Za-z0-9][A-Za-z0-9_.-]{0,127}")) {
            throw new IllegalArgumentException("sandbox id '" + value + "' is not 1 to 128 characters of [A-Za-z0-9_.-]"
                    + " starting with a letter or digit");
        }
    }

    public static SandboxId of(String value) {
        return new SandboxId(value);
    }

    @Override
    public String toString() {
        return value;
    }
}
