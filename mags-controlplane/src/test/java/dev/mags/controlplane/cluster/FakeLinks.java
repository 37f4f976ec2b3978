package dev.mags.controlplane.cluster;

import dev.mags.controlplane.FakeAgent;
import dev.mags.protocol.v2.Agent;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;

/** Links to in-process fake agents, one per URL, that record what the directory does with them. */
final class FakeLinks implements Function<URI, AgentLink> {
    final Map<URI, FakeAgent> agents = new ConcurrentHashMap<>();
    /** Every link made, in order. */
    final List<Link> made = new CopyOnWriteArrayList<>();

    /** The agent behind {@code url} (made on first use; every one has the busybox image). */
    FakeAgent at(URI url) {
        return agents.computeIfAbsent(url, u -> new FakeAgent("busybox"));
    }

    @Override
    public AgentLink apply(URI url) {
        Link link = new Link(url, at(url));
        made.add(link);
        return link;
    }

    static final class Link implements AgentLink {
        final URI url;
        final FakeAgent agent;
        final List<String> lost = new CopyOnWriteArrayList<>();
        volatile boolean closed;

        Link(URI url, FakeAgent agent) {
            this.url = url;
            this.agent = agent;
        }

        @Override
        public Agent agent() {
            return agent;
        }

        @Override
        public void lost(String why) {
            lost.add(why);
        }

        @Override
        public void close() {
            closed = true;
        }
    }
}
