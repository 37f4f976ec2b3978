package dev.mags.agent.sandbox;

import java.util.ArrayDeque;
import java.util.Deque;

/**
 * Undo actions for resources acquired one after another. {@link #close()} runs them in reverse
 * order and runs every one of them even if some fail: the first failure is thrown with the others
 * attached as suppressed exceptions. Closing twice is harmless; the second close does nothing.
 */
public final class CleanupStack implements AutoCloseable {

    /** One undo action; named so that a failure says which resource it was about. */
    @FunctionalInterface
    public interface Step {
        void run() throws Exception;
    }

    private record Named(String what, Step step) {}

    private final Deque<Named> steps = new ArrayDeque<>();

    /** Registers the undo of a resource just acquired; it will run before the ones pushed earlier. */
    public synchronized void push(String what, Step step) {
        steps.push(new Named(what, step));
    }

    public synchronized boolean isEmpty() {
        return steps.isEmpty();
    }

    /** Runs every step, last pushed first. */
    @Override
    public void close() throws CleanupException {
        // An interrupted thread still cleans up: its interrupt would make every step's command fail at
        // once and leave the resources behind. The interrupt is restored afterwards.
        boolean interrupted = Thread.interrupted();
        try {
            closeSteps();
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private void closeSteps() throws CleanupException {
        CleanupException failure = null;
        Named next;
        while ((next = pop()) != null) {
            try {
                next.step().run();
            } catch (Exception e) {
                if (e instanceof InterruptedException) {
                    Thread.currentThread().interrupt();
                }
                CleanupException stepFailure = new CleanupException("cleanup step '" + next.what() + "' failed: " + e.getMessage(), e);
                if (failure == null) {
                    failure = stepFailure;
                } else {
                    failure.addSuppressed(stepFailure);
                }
            }
        }
        if (failure != null) {
            throw failure;
        }
    }

    private synchronized Named pop() {
        return steps.poll();
    }

    /** A cleanup step failed; the resource may be left on the host for reconcile to find. */
    public static final class CleanupException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        CleanupException(String message, Throwable cause) {
            super(message, cause);
        }

        /** This failure's message and those of the suppressed ones, one per line. */
        public String allMessages() {
            StringBuilder text = new StringBuilder(getMessage());
            for (Throwable more : getSuppressed()) {
                text.append("; ").append(more.getMessage());
            }
            return text.toString();
        }
    }
}
