package dev.mags.storage.object;

import dev.mags.storage.error.NotFoundException;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.stream.Stream;

/**
 * An {@link ObjectStore} in a sorted map, for unit tests here and in the modules that use storage.
 * Thread-safe; its clock is injectable so that tests can age objects.
 */
public final class InMemoryObjectStore implements ObjectStore {
    private record Stored(byte[] data, Instant lastModified) {}

    private final ConcurrentSkipListMap<String, Stored> objects = new ConcurrentSkipListMap<>();
    private final Clock clock;

    public InMemoryObjectStore() {
        this(Clock.systemUTC());
    }

    public InMemoryObjectStore(Clock clock) {
        this.clock = clock;
    }

    @Override
    public boolean putIfAbsent(String key, byte[] data) {
        return objects.putIfAbsent(key, new Stored(data.clone(), clock.instant())) == null;
    }

    @Override
    public void put(String key, byte[] data) {
        objects.put(key, new Stored(data.clone(), clock.instant()));
    }

    @Override
    public InputStream get(String key) {
        Stored s = objects.get(key);
        if (s == null) {
            throw new NotFoundException("no object " + key + " in " + describe());
        }
        return new ByteArrayInputStream(s.data());
    }

    @Override
    public Optional<ObjectInfo> head(String key) {
        Stored s = objects.get(key);
        return s == null ? Optional.empty() : Optional.of(new ObjectInfo(key, s.data().length, s.lastModified()));
    }

    @Override
    public Stream<ObjectInfo> list(String prefix) {
        List<ObjectInfo> out = new ArrayList<>();
        for (Map.Entry<String, Stored> e : objects.tailMap(prefix, true).entrySet()) {
            if (!e.getKey().startsWith(prefix)) {
                break;
            }
            out.add(new ObjectInfo(e.getKey(), e.getValue().data().length, e.getValue().lastModified()));
        }
        return out.stream();
    }

    @Override
    public void delete(String key) {
        objects.remove(key);
    }

    @Override
    public String describe() {
        return "in-memory store";
    }

    /** Replaces an object's bytes in place without touching its time: for corruption tests. */
    public void corrupt(String key, byte[] data) {
        objects.computeIfPresent(key, (k, s) -> new Stored(data.clone(), s.lastModified()));
    }

    public int size() {
        return objects.size();
    }
}
