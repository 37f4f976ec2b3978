package dev.mags.dist;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mags.controlplane.files.FileBlobs;
import dev.mags.controlplane.files.FileStorageException;
import dev.mags.storage.object.ObjectInfo;
import dev.mags.storage.s3.EmbeddedS3;
import dev.mags.storage.s3.S3ObjectStore;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Uploaded files written into the embedded S3 store's directory, checked through its S3 API too. */
class EmbeddedStoreFileBlobsTest {
    private static final String BUCKET = "mags";
    private final String user = UUID.randomUUID().toString();
    private final String file = UUID.randomUUID().toString();

    @TempDir
    Path root;
    private EmbeddedS3 s3;
    private S3ObjectStore store;
    private EmbeddedStoreFileBlobs blobs;

    @BeforeEach
    void start() {
        s3 = EmbeddedS3.start(root);
        store = S3ObjectStore.open(s3.config(BUCKET)); // makes the bucket's directory
        blobs = new EmbeddedStoreFileBlobs(root.resolve(BUCKET));
    }

    @AfterEach
    void stop() {
        store.close();
        s3.close();
    }

    @Test
    void partsAreReadBackInOrderAndAreObjectsOfTheBucket() throws IOException {
        byte[] first = random(FileBlobs.PART_BYTES, 1);
        byte[] last = random(1000, 2);
        blobs.putPart(user, file, 0, first, first.length);
        byte[] buffer = Arrays.copyOf(last, 5000); // only the given length is stored
        blobs.putPart(user, file, 1, buffer, last.length);

        try (InputStream in = blobs.open(user, file, 2)) {
            byte[] all = in.readAllBytes();
            assertThat(Arrays.copyOfRange(all, 0, first.length)).isEqualTo(first);
            assertThat(Arrays.copyOfRange(all, first.length, all.length)).isEqualTo(last);
        }
        // the same objects as BucketFileBlobs makes through the S3 API
        assertThat(store.list("files/").map(ObjectInfo::key).toList())
                .containsExactly("files/" + user + "/" + file + "/000000", "files/" + user + "/" + file + "/000001");
        try (InputStream in = store.get("files/" + user + "/" + file + "/000001")) {
            assertThat(in.readAllBytes()).isEqualTo(last);
        }
    }

    @Test
    void nothingButWholePartsIsLeftUnderTheFilesDirectory() throws IOException {
        blobs.putPart(user, file, 0, new byte[] {1, 2, 3}, 3);
        try (Stream<Path> s = Files.list(root.resolve(BUCKET).resolve("files").resolve(user).resolve(file))) {
            assertThat(s.map(p -> p.getFileName().toString()).toList()).containsExactly("000000");
        }
    }

    @Test
    void partsAndTheirDirectoriesAreMagsdsAloneWhateverTheUmask() throws IOException {
        blobs.putPart(user, file, 0, new byte[] {1, 2, 3}, 3);
        Path files = root.resolve(BUCKET).resolve("files");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(files))).isEqualTo("rwx------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(files.resolve(user))))
                .isEqualTo("rwx------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(files.resolve(user).resolve(file))))
                .isEqualTo("rwx------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(
                files.resolve(user).resolve(file).resolve("000000")))).isEqualTo("rw-------");
    }

    @Test
    void deleteRemovesTheFileAndListShowsWhatIsStored() {
        String other = UUID.randomUUID().toString();
        blobs.putPart(user, file, 0, new byte[] {1}, 1);
        blobs.putPart(user, other, 0, new byte[] {2}, 1);
        assertThat(blobs.list()).extracting(FileBlobs.StoredBlob::fileId).containsExactlyInAnyOrder(file, other);
        assertThat(blobs.list()).allSatisfy(b -> assertThat(b.userId()).isEqualTo(user));

        blobs.delete(user, file);
        blobs.delete(user, file); // harmless twice
        assertThat(blobs.list()).extracting(FileBlobs.StoredBlob::fileId).containsExactly(other);
        assertThat(store.list("files/").map(ObjectInfo::key).toList()).containsExactly("files/" + user + "/" + other + "/000000");
        assertThatThrownBy(() -> blobs.open(user, file, 1).read()).isInstanceOf(FileStorageException.class)
                .hasMessageContaining("part 0 of file " + file + " is missing");
    }

    @Test
    void listIsEmptyBeforeTheFirstUpload() {
        assertThat(blobs.list()).isEmpty();
    }

    @Test
    void anIdThatIsNotOneSegmentNeverNamesAPath() {
        for (String bad : List.of("..", "../x", "a/b", ".", "", "x\u0000")) {
            assertThatThrownBy(() -> blobs.putPart(bad, file, 0, new byte[1], 1)).as(bad)
                    .isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> blobs.delete(user, bad)).as(bad).isInstanceOf(IllegalArgumentException.class);
        }
        assertThat(root.resolve(BUCKET).resolve("x")).doesNotExist();
    }

    private static byte[] random(int n, long seed) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return b;
    }
}
