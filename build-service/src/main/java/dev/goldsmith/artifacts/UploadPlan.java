package dev.goldsmith.artifacts;

/**
 * How a file of {@code size} bytes is cut into parts. S3 wants every part but the last to be at least 5 MiB
 * and at most 10,000 parts, so a file too large for the preferred part size gets larger parts.
 */
record UploadPlan(long partSize, int parts) {

    static final long MIN_PART_SIZE = 5L * 1024 * 1024;
    static final long MAX_PART_SIZE = 5L * 1024 * 1024 * 1024;
    static final int MAX_PARTS = 10_000;
    private static final long MIB = 1024 * 1024;

    static UploadPlan of(long size, long preferredPartSize) {
        if (size <= 0) {
            throw new IllegalArgumentException("size must be positive");
        }
        long needed = Math.ceilDiv(Math.ceilDiv(size, MAX_PARTS), MIB) * MIB;
        long partSize = Math.max(preferredPartSize, needed);
        return new UploadPlan(partSize, (int) Math.ceilDiv(size, partSize));
    }
}
