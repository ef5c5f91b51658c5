package dev.goldsmith.artifacts;

/**
 * Where things live in the bucket (DESIGN §6): {@code images/<name>/<name>.<format>}, its checksum file and the
 * version's {@code <name>.provenance.json}; a build's archived {@code builds/<id>/logs/build.log} and
 * {@code builds/<id>/tests.xml}.
 */
final class ObjectKeys {

    static final String IMAGES = "images/";

    private ObjectKeys() {
    }

    static String fileName(String imageName, String format) {
        return imageName + "." + format;
    }

    static String image(String imageName, String format) {
        return IMAGES + imageName + "/" + fileName(imageName, format);
    }

    /** The signed provenance (a DSSE envelope) of an image version, beside its files. */
    static String provenance(String imageName) {
        return "images/" + imageName + "/" + imageName + ".provenance.json";
    }

    /** The {@code sha256sum}-format file beside an image. */
    static String checksum(String imageKey) {
        return imageKey + ".sha256";
    }

    /** The image's SBOM (SPDX JSON), beside its files. */
    static String sbom(String imageName) {
        return "images/" + imageName + "/" + imageName + ".spdx.json";
    }

    static String buildLog(java.util.UUID buildId) {
        return "builds/" + buildId + "/logs/build.log";
    }

    static String testReport(java.util.UUID buildId) {
        return "builds/" + buildId + "/tests.xml";
    }
}
