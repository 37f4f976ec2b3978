package dev.mags.agent.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class CleanupStackTest {
    private final List<String> ran = new ArrayList<>();

    @Test
    void unwindsInReverseOrder() {
        CleanupStack stack = new CleanupStack();
        stack.push("dir", () -> ran.add("dir"));
        stack.push("mount", () -> ran.add("mount"));
        stack.push("container", () -> ran.add("container"));

        stack.close();

        assertThat(ran).containsExactly("container", "mount", "dir");
    }

    @Test
    void runsEveryStepAndKeepsEveryFailure() {
        CleanupStack stack = new CleanupStack();
        stack.push("dir", () -> ran.add("dir"));
        stack.push("mount", () -> {
            throw new IOException("target is busy");
        });
        stack.push("container", () -> {
            throw new IllegalStateException("runc delete failed");
        });

        assertThatThrownBy(stack::close)
                .isInstanceOfSatisfying(CleanupStack.CleanupException.class, e -> {
                    assertThat(e.getMessage()).contains("container").contains("runc delete failed");
                    assertThat(e.getSuppressed()).hasSize(1);
                    assertThat(e.getSuppressed()[0]).hasMessageContaining("mount").hasMessageContaining("busy");
                    assertThat(e.allMessages()).contains("runc delete failed").contains("target is busy");
                });
        assertThat(ran).containsExactly("dir");
    }

    @Test
    void closingTwiceRunsStepsOnce() {
        CleanupStack stack = new CleanupStack();
        stack.push("dir", () -> ran.add("dir"));

        stack.close();
        stack.close();

        assertThat(ran).containsExactly("dir");
        assertThat(stack.isEmpty()).isTrue();
    }
}
