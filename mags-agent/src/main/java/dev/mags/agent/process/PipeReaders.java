package dev.mags.agent.process;

/**
 * Threads that read a child process's pipes. Platform threads, not virtual ones: a blocking read of a
 * pipe holds its carrier, and with a few hundred sandboxes (two output pipes and a network helper's
 * each) the virtual-thread scheduler's carriers (at most 256) would all be stuck in reads, leaving
 * nothing to run stops, timeouts or releases. Small stacks: they only copy bytes.
 */
public final class PipeReaders {
    private static final long STACK_BYTES = 256 * 1024;

    private PipeReaders() {}

    public static Thread.Builder.OfPlatform thread() {
        return Thread.ofPlatform().daemon().stackSize(STACK_BYTES);
    }
}
