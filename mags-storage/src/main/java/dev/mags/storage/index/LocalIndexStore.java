package dev.mags.storage.index;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.github.luben.zstd.ZstdInputStream;
import com.github.luben.zstd.ZstdOutputStream;
import dev.mags.storage.layout.WorkspaceRef;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Local indexes under a state directory, {@code <root>/<owner>/<workspace>/index.json.zst}. A missing or
 * unreadable index only costs a full re-read on the next sync, never correctness: it is written after the
 * manifest and replaced atomically.
 */
public final class LocalIndexStore {
    private static final Logger LOG = LoggerFactory.getLogger(LocalIndexStore.class);
    private static final ObjectMapper JSON = new ObjectMapper()
            .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

    private final Path root;

    public LocalIndexStore(Path root) {
        this.root = root;
    }

    private Path file(WorkspaceRef ref) {
        return root.resolve(ref.owner()).resolve(ref.name()).resolve("index.json.zst");
    }

    public LocalIndex load(WorkspaceRef ref) {
        Path f = file(ref);
        try (InputStream in = new ZstdInputStream(Files.newInputStream(f))) {
            return JSON.readValue(in, LocalIndex.class);
        } catch (NoSuchFileException e) {
            return LocalIndex.EMPTY;
        } catch (IOException | RuntimeException e) {
            LOG.warn("ignoring unreadable local index {}: {}", f, e.toString());
            return LocalIndex.EMPTY;
        }
    }

    /** Best effort: a failure is logged, and the next sync reads every file again. */
    public void save(WorkspaceRef ref, LocalIndex index) {
        Path f = file(ref);
        Path tmp = f.resolveSibling("index.json.zst.tmp");
        try {
            Files.createDirectories(f.getParent());
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            try (OutputStream out = new ZstdOutputStream(bytes, 3)) {
                JSON.writeValue(out, index);
            }
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.TRUNCATE_EXISTING)) {
                ByteBuffer buf = ByteBuffer.wrap(bytes.toByteArray());
                while (buf.hasRemaining()) {
                    ch.write(buf);
                }
                ch.force(true);
            }
            Files.move(tmp, f, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException | RuntimeException e) {
            LOG.warn("cannot write local index {} (the next sync reads every file): {}", f, e.toString());
        }
    }

    public void delete(WorkspaceRef ref) {
        try {
            Files.deleteIfExists(file(ref));
        } catch (IOException e) {
            LOG.warn("cannot delete local index {}: {}", file(ref), e.toString());
        }
    }
}
