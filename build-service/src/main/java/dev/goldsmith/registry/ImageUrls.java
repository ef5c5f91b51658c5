package dev.goldsmith.registry;

/**
 * The absolute URLs of an image version's resources on the control plane, under {@code base} (scheme, host and
 * port clients use). Artifact URLs redirect to presigned downloads, so they stay valid and tolerate added query
 * parameters; download links do the same without a bearer token.
 */
public record ImageUrls(String base) {

    public String image(String name) {
        return base + "/api/v1/images/" + name;
    }

    public String artifact(String name, String format) {
        return image(name) + "/artifacts/" + format;
    }

    public String checksum(String name, String format) {
        return artifact(name, format) + "/sha256";
    }

    public String download(String capability, String fileName) {
        return base + "/api/v1/downloads/" + capability + "/" + fileName;
    }

    public String version(String name) {
        return base + "/api/v1/registry/versions/" + name;
    }

    public String provenance(String name) {
        return image(name) + "/provenance";
    }
}
