package dev.mags.agent.image;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import dev.mags.protocol.v2.ImageInfo;
import java.time.Instant;

/**
 * The {@code image.json} beside an image's {@code rootfs/}; its presence is what makes the image exist.
 *
 * @param idOffset the host id of the sandboxes' root the rootfs is owned by (see
 *     {@code security.IdShift}); absent (null) in images built before images were shifted
 * @param revision the recipe's {@link RootfsRecipe#revision()}; absent (null) in images built before it was
 *     recorded
 */
@JsonIgnoreProperties(ignoreUnknown = true)
record ImageManifest(
        @JsonProperty("name") String name,
        @JsonProperty("built_at") String builtAt,
        @JsonProperty("size_bytes") long sizeBytes,
        @JsonProperty("id_offset") Long idOffset,
        @JsonProperty("revision") String revision) {

    static ImageManifest of(ImageInfo info, long idOffset, String revision) {
        return new ImageManifest(info.name(), info.builtAt().toString(), info.sizeBytes(), idOffset, revision);
    }

    ImageInfo toInfo() {
        return new ImageInfo(name, Instant.parse(builtAt), sizeBytes);
    }
}
