package dev.goldsmith.artifacts;

/**
 * An object store call that failed: either the store answered with an S3 error ({@link #code()} is its code,
 * e.g. {@code InvalidPart}) or it could not be reached at all ({@code code()} is null).
 */
class ObjectStoreException extends RuntimeException {

    private final String code;

    ObjectStoreException(String code, String message, Throwable cause) {
        super(message, cause);
        this.code = code;
    }

    String code() {
        return code;
    }

    boolean isRejection() {
        return code != null;
    }
}
