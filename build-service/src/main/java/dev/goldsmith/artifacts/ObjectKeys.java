package dev.goldsmith.artifacts;

/** Where things live in the bucket (DESIGN §6): {@code images/<name>/<name>.<format>} and its checksum file. */
final class ObjectKeys {

    private ObjectKeys() {
    }

    static String fileName(String imageName, String format) {
        return imageName + "." + format;
    }

    static String image(String imageName, String format) {
        return "images/" + imageName + "/" + fileName(imageName, format);
    }

    /** The {@code sha256sum}-format file beside an image. */
    static String checksum(String imageKey) {
        return imageKey + ".sha256";
    }
}
