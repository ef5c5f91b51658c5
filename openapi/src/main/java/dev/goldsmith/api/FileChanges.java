package dev.goldsmith.api;

import java.util.List;

/**
 * How the installed files of two images differ, by path: only in the new one ({@code added}), only in the old
 * one ({@code removed}), in both with another type, mode, owner or content ({@code changed}); {@code bytes} is
 * the size of the regular files added or changed (about what a delta of their contents carries).
 */
public record FileChanges(List<String> added, List<String> removed, List<String> changed, long bytes) {
}
