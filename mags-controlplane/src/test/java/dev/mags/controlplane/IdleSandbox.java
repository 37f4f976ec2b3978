package dev.mags.controlplane;

import dev.mags.protocol.v2.CommandGate;
import dev.mags.protocol.v2.Exec;
import dev.mags.protocol.v2.ExecListener;
import dev.mags.protocol.v2.ExecSpec;
import dev.mags.protocol.v2.Sandbox;
import dev.mags.protocol.v2.SandboxEnd;
import dev.mags.protocol.v2.SandboxFiles;
import dev.mags.protocol.v2.SandboxId;
import dev.mags.protocol.v2.SandboxState;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/** A running sandbox for tests that only name it: anything asked of it fails the test. */
final class IdleSandbox implements Sandbox {
    private final SandboxId id;

    IdleSandbox(String id) {
        this.id = SandboxId.of(id);
    }

    @Override
    public SandboxId id() {
        return id;
    }

    @Override
    public SandboxState state() {
        return SandboxState.RUNNING;
    }

    @Override
    public Exec exec(ExecSpec spec, ExecListener listener, CommandGate gate) {
        throw new AssertionError("no exec expected");
    }

    @Override
    public java.net.Socket connect(int sandboxPort) {
        throw new AssertionError("no connection expected");
    }

    @Override
    public <T> T dial(int sandboxPort, Opener<T> opener) {
        throw new AssertionError("no connection expected");
    }

    @Override
    public SandboxFiles files() {
        throw new AssertionError("no file access expected");
    }

    @Override
    public void freeze() {
        throw new AssertionError("no freeze expected");
    }

    @Override
    public void thaw() {
        throw new AssertionError("no thaw expected");
    }

    @Override
    public CompletableFuture<SandboxEnd> stop(Duration grace, boolean sync) {
        throw new AssertionError("no stop expected");
    }

    @Override
    public CompletableFuture<SandboxEnd> ended() {
        return new CompletableFuture<>();
    }
}
