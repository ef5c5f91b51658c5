package dev.goldsmith.api;

import java.util.List;

/**
 * {@code GET /api/v1/images/{name}/diff?against={other}}: how image {@code to} differs from image {@code from}:
 * the fingerprint inputs (a secret answer by key only), the installed packages (from the two SBOMs) and the
 * installed files (from the two file manifests; null when either image has none).
 */
public record ImageDiff(String from, String to, List<InputChange> inputs, PackageChanges packages,
        FileChanges files) {
}
