package dev.mags.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The sync part end to end on a tiny tree: every figure, nothing left behind (no directory, no mount, no
 * loop device). Times are never checked. As root: restores go onto loop-mounted disks.
 */
class WorkspaceSyncIT {
    @TempDir
    Path dir;

    @Test
    void measuresEveryFigureAndDeletesItsDirectory() throws Exception {
        Path work = dir.resolve("sync");
        List<String> notes = new ArrayList<>();

        SyncPlan tiny = new SyncPlan(300_000, 30, 2, 2, 1, 2, 64 * 1024);

        Map<String, Figure> figures = WorkspaceSync.measure(work, tiny, notes);

        assertThat(figures).containsOnlyKeys("sync_first_s", "sync_unchanged_ms", "sync_one_changed_ms", "restore_s",
                "restore_mbps", "s3_put_mbps", "s3_get_mbps");
        assertThat(figures.get("sync_unchanged_ms").n()).isEqualTo(2);
        assertThat(figures.get("sync_one_changed_ms").n()).isEqualTo(2);
        assertThat(figures.get("restore_s").n()).isEqualTo(1);
        assertThat(figures.get("s3_get_mbps").n()).isEqualTo(2);
        assertThat(figures.get("restore_mbps").unit()).isEqualTo("MB/s");
        figures.values().forEach(f -> assertThat(f.p50()).isFinite().isPositive());
        assertThat(notes).hasSize(3).noneMatch(n -> n.contains("unexpected")).anyMatch(n -> n.contains("cores busy"));
        assertThat(work).doesNotExist();
        assertThat(Files.readString(Path.of("/proc/self/mountinfo"))).doesNotContain(work.toString());
        assertThat(new String(new ProcessBuilder("losetup", "-a").start().getInputStream().readAllBytes()))
                .doesNotContain(work.toString());
    }
}
