package dev.goldsmith.api;

import java.util.List;

/** Where to send the file: one presigned PUT URL per part of {@code partSize} bytes (the last may be shorter). */
public record ArtifactUpload(String uploadId, String objectKey, long partSize, List<PartUrl> parts) {
}
