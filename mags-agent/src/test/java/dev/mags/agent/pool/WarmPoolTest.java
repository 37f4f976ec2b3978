package dev.mags.agent.pool;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.mags.agent.sandbox.SandboxShape;
import dev.mags.protocol.v2.NetworkMode;
import dev.mags.protocol.v2.SandboxLimits;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class WarmPoolTest {
    private static final SandboxShape BUSYBOX = new SandboxShape("busybox", SandboxLimits.DEFAULT, NetworkMode.NONE);
    private static final SandboxShape DEBIAN = new SandboxShape("debian", SandboxLimits.DEFAULT, NetworkMode.NONE);
    private static final Duration WAIT = Duration.ofSeconds(10);

    private final AtomicInteger created = new AtomicInteger();
    private final Set<String> unusable = ConcurrentHashMap.newKeySet();
    private final List<String> released = new CopyOnWriteArrayList<>();
    private WarmPool<String> pool;

    private WarmPool<String> pool(Map<SandboxShape, Integer> targets, java.util.function.Function<SandboxShape, String> create) {
        pool = new WarmPool<>(targets, 1, create, c -> !unusable.contains(c), released::add);
        return pool;
    }

    private String create(SandboxShape shape) {
        return shape.image() + "-" + created.incrementAndGet();
    }

    @AfterEach
    void tearDown() {
        if (pool != null) {
            pool.close(WAIT);
        }
    }

    @Test
    void fillsEachShapeToItsTarget() {
        pool(Map.of(BUSYBOX, 2, DEBIAN, 1), this::create).start();

        await().atMost(WAIT).until(() -> pool.ready(BUSYBOX) == 2 && pool.ready(DEBIAN) == 1);
        assertThat(created).hasValue(3);
    }

    @Test
    void aTakeHandsOutTheOldestAndRefillsInTheBackground() {
        pool(Map.of(BUSYBOX, 2), this::create).start();
        await().atMost(WAIT).until(() -> pool.ready(BUSYBOX) == 2);

        assertThat(pool.take(BUSYBOX)).contains("busybox-1");

        await().atMost(WAIT).until(() -> pool.ready(BUSYBOX) == 2);
        assertThat(pool.pooled()).containsExactly("busybox-2", "busybox-3");
    }

    @Test
    void anotherShapeOrAnEmptyPoolGivesNothingAtOnce() throws Exception {
        CountDownLatch never = new CountDownLatch(1);
        pool(Map.of(BUSYBOX, 1), shape -> {
            try {
                never.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return create(shape);
        }).start();

        assertThat(pool.take(DEBIAN)).isEmpty();
        assertThat(pool.take(BUSYBOX)).as("the one being created is not waited for").isEmpty();
        never.countDown();
    }

    @Test
    void anUnusableMemberIsDiscardedNotHandedOut() {
        pool(Map.of(BUSYBOX, 1), this::create).start();
        await().atMost(WAIT).until(() -> pool.ready(BUSYBOX) == 1);
        unusable.add("busybox-1");

        assertThat(pool.take(BUSYBOX)).isEmpty();

        await().atMost(WAIT).until(() -> released.contains("busybox-1"));
        await().atMost(WAIT).until(() -> pool.ready(BUSYBOX) == 1);
        assertThat(pool.take(BUSYBOX)).contains("busybox-2");
    }

    @Test
    void aFailedCreationIsRetriedAfterAPause() {
        AtomicInteger attempts = new AtomicInteger();
        pool(Map.of(BUSYBOX, 1), shape -> {
            if (attempts.incrementAndGet() == 1) {
                throw new IllegalStateException("image not built yet");
            }
            return create(shape);
        }).start();

        await().atMost(WAIT).until(() -> pool.ready(BUSYBOX) == 1);
        assertThat(attempts).hasValue(2);
    }

    @Test
    void closeReleasesEveryMemberAndStopsRefilling() {
        pool(Map.of(BUSYBOX, 2), this::create).start();
        await().atMost(WAIT).until(() -> pool.ready(BUSYBOX) == 2);

        pool.close(WAIT);

        assertThat(released).containsExactlyInAnyOrder("busybox-1", "busybox-2");
        assertThat(pool.take(BUSYBOX)).isEmpty();
        assertThat(created).hasValue(2);
    }

    @Test
    void aMemberFinishedAfterCloseIsReleasedToo() throws Exception {
        CountDownLatch creating = new CountDownLatch(1);
        CountDownLatch finish = new CountDownLatch(1);
        pool(Map.of(BUSYBOX, 1), shape -> {
            creating.countDown();
            try {
                finish.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return create(shape);
        }).start();
        creating.await();

        Thread closer = Thread.ofVirtual().start(() -> pool.close(WAIT));
        Thread.sleep(50);
        finish.countDown();
        closer.join();

        assertThat(released).containsExactly("busybox-1");
    }

    @Test
    void aSizeOfZeroKeepsNothing() {
        pool(Map.of(BUSYBOX, 0), this::create).start();

        assertThat(pool.keeps(BUSYBOX)).isFalse();
        assertThat(pool.take(BUSYBOX)).isEmpty();
        assertThat(created).hasValue(0);
    }
}
