package dev.mags.cli.config;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.mags.sdk.JsonTree;
import java.io.IOException;
import java.net.URI;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * {@code ~/.mags/config.json}: {@code {"api_url": ..., "api_token": ...}}. Written atomically,
 * mode 0600 in a 0700 directory since it holds a secret; keys it does not know are kept.
 */
public final class ConfigFile {
    public static final String API_URL = "api_url";
    public static final String API_TOKEN = "api_token";
    private static final Set<PosixFilePermission> FILE_MODE = PosixFilePermissions.fromString("rw-------");
    private static final Set<PosixFilePermission> DIR_MODE = PosixFilePermissions.fromString("rwx------");

    private final Path dir;
    private final Path file;

    public ConfigFile(Path home) {
        this.dir = home.resolve(".mags");
        this.file = dir.resolve("config.json");
    }

    public Path path() {
        return file;
    }

    /** The saved settings; {@link SavedConfig#EMPTY} when there is no file. */
    public SavedConfig load() {
        if (!Files.exists(file)) {
            return SavedConfig.EMPTY;
        }
        Map<String, Object> root = readObject();
        return new SavedConfig(text(root, API_URL), text(root, API_TOKEN));
    }

    /** Saves the URL and token, keeping other keys; an unreadable old file is replaced. */
    public void save(URI apiUrl, String apiToken) {
        Map<String, Object> root;
        try {
            root = Files.exists(file) ? readObject() : new LinkedHashMap<>();
        } catch (ConfigException unreadable) {
            root = new LinkedHashMap<>();
        }
        root.put(API_URL, apiUrl.toString());
        root.put(API_TOKEN, apiToken);
        write(root);
    }

    /** Removes the saved token; returns whether there was one. */
    public boolean removeToken() {
        if (!Files.exists(file)) {
            return false;
        }
        Map<String, Object> root = readObject();
        if (!root.containsKey(API_TOKEN)) {
            return false;
        }
        root.remove(API_TOKEN);
        write(root);
        return true;
    }

    /** The file's object (keys in their order); anything else, trailing text included, is unreadable. */
    private Map<String, Object> readObject() {
        try {
            Map<String, Object> root = JsonTree.readObject(Files.readString(file));
            if (root == null) {
                throw new ConfigException("cannot read " + file + ": expected a JSON object");
            }
            return root;
        } catch (IOException e) {
            throw new ConfigException("cannot read " + file + ": " + firstLine(e.getMessage()), e);
        }
    }

    private String text(Map<String, Object> root, String key) {
        Object value = root.get(key);
        if (value == null) {
            return null;
        }
        if (!(value instanceof String text)) {
            throw new ConfigException("cannot read " + file + ": '" + key + "' must be a string");
        }
        return text.isBlank() ? null : text.strip();
    }

    private void write(Map<String, Object> root) {
        boolean posix = FileSystems.getDefault().supportedFileAttributeViews().contains("posix");
        Path temp = null;
        try {
            if (posix) {
                Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(DIR_MODE));
                Files.setPosixFilePermissions(dir, DIR_MODE);
                temp = Files.createTempFile(dir, "config", ".tmp", PosixFilePermissions.asFileAttribute(FILE_MODE));
                Files.setPosixFilePermissions(temp, FILE_MODE);
            } else {
                Files.createDirectories(dir);
                temp = Files.createTempFile(dir, "config", ".tmp");
            }
            Files.write(temp, pretty(root));
            try {
                Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            throw new ConfigException("cannot write " + file + ": " + e.getMessage(), e);
        } finally {
            if (temp != null) {
                try {
                    Files.deleteIfExists(temp);
                } catch (IOException ignored) {
                    // best effort: a leftover temp file holds nothing the real file does not
                }
            }
        }
    }

    private static byte[] pretty(Map<String, Object> root) throws JsonProcessingException {
        byte[] json = JsonTree.write(root, true);
        byte[] file = java.util.Arrays.copyOf(json, json.length + 1);
        file[json.length] = '\n';
        return file;
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "unreadable";
        }
        int nl = message.indexOf('\n');
        return nl < 0 ? message : message.substring(0, nl);
    }
}
