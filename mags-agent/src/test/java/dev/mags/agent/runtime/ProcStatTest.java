package dev.mags.agent.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ProcStatTest {

    @Test
    void theCommandNameEndsAtTheLastParenthesis() {
        ProcStat stat = ProcStat.parse("4242 (a) b (c)) S 1 4242 4242 0 -1 4194560 " + "0 ".repeat(12) + "777 0 0");

        assertThat(stat).isEqualTo(new ProcStat("a) b (c)", 'S', 4194560, 777));
        assertThat(stat.isDead()).isFalse();
    }

    @Test
    void anExitingProcessIsDead() {
        // PF_EXITING (0x4) set while a PID namespace's init waits for the others to die.
        assertThat(ProcStat.parse("9 (sh) S 1 9 9 0 -1 4194564 " + "0 ".repeat(12) + "5 0").isDead()).isTrue();
    }

    @Test
    void aZombieIsDead() {
        assertThat(ProcStat.parse("9 (sh) Z 1 9 9 0 -1 4194560 " + "0 ".repeat(12) + "5 0").isDead()).isTrue();
    }
}
