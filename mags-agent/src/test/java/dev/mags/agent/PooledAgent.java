package dev.mags.agent;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A test class's agent on real runc ({@link ItHost}) with a warm pool of busybox sandboxes, registered as a static
 * {@code @RegisterExtension} field: made before the class's tests, closed after them, and after each test the host
 * holds nothing but the pool's sandboxes.
 */
final class PooledAgent implements BeforeAllCallback, AfterEachCallback, AfterAllCallback {
    private final int poolSize;
    private ItHost host;
    private LocalAgent agent;

    PooledAgent(int poolSize) {
        this.poolSize = poolSize;
    }

    @Override
    public void beforeAll(ExtensionContext context) throws IOException {
        host = ItHost.create();
        agent = host.agent(WarmPoolConfig.of("busybox", poolSize));
    }

    @Override
    public void afterEach(ExtensionContext context) {
        assertThat(host.leaksBesidesPool(agent, poolSize)).as("left on the host besides the warm pool").isEmpty();
    }

    @Override
    public void afterAll(ExtensionContext context) throws IOException {
        if (host != null) {
            host.close();
        }
    }

    ItHost host() {
        return host;
    }

    LocalAgent agent() {
        return agent;
    }
}
