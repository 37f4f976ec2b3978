package dev.mags.storage.manifest;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.luben.zstd.ZstdInputStream;
import com.github.luben.zstd.ZstdOutputStream;
import dev.mags.storage.error.CorruptDataException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/** Manifests are snake_case JSON in one zstd frame. Unknown fields are ignored; newer formats are refused. */
public final class ManifestCodec {
    private static final ObjectMapper JSON = new ObjectMapper()
            .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

    private ManifestCodec() {}

    public static byte[] encode(Manifest manifest) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (OutputStream out = new ZstdOutputStream(bytes, 3)) {
            JSON.writeValue(out, manifest);
        } catch (IOException e) {
            throw new IllegalStateException("cannot encode manifest " + manifest.snapshotId(), e);
        }
        return bytes.toByteArray();
    }

    /** Reads a whole manifest; {@code what} names it in errors. */
    public static Manifest decode(InputStream in, String what) {
        try (InputStream z = new ZstdInputStream(in)) {
            Manifest m = JSON.readValue(z, Manifest.class);
            checkFormat(m.format(), what);
            return m;
        } catch (IOException | RuntimeException e) {
            if (e instanceof CorruptDataException c) {
                throw c;
            }
            throw new CorruptDataException("cannot read manifest " + what + ": " + e.getMessage(), e);
        }
    }

    /** Reads the header fields only, stopping at {@code entries}: cheap listings of large manifests. */
    public static ManifestSummary decodeSummary(InputStream in, String what) {
        try (InputStream z = new ZstdInputStream(in); JsonParser p = JSON.getFactory().createParser(z)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw new CorruptDataException("manifest " + what + " is not a JSON object");
            }
            ObjectNode header = JSON.createObjectNode();
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                p.nextToken();
                if (name.equals("entries")) {
                    break;
                }
                header.set(name, JSON.readTree(p));
            }
            ManifestSummary s = JSON.treeToValue(header, ManifestSummary.class);
            checkFormat(s.format(), what);
            return s;
        } catch (IOException | RuntimeException e) {
            if (e instanceof CorruptDataException c) {
                throw c;
            }
            throw new CorruptDataException("cannot read manifest " + what + ": " + e.getMessage(), e);
        }
    }

    static JsonNode tree(Manifest m) {
        return JSON.valueToTree(m);
    }

    private static void checkFormat(int format, String what) {
        if (format < 1 || format > Manifest.FORMAT) {
            throw new CorruptDataException("manifest " + what + " has format " + format + "; this mags reads formats 1 to "
                    + Manifest.FORMAT);
        }
    }
}
