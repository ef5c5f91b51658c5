package dev.goldsmith.installers;

import java.util.UUID;

/**
 * Published after a refresh registered a new medium under {@code installer}: it stood for
 * {@code previousSha256} (null when it stood for nothing) and now stands for {@code currentSha256}. Channel
 * policies rebuild what was made from the previous one.
 */
public record InstallerRefreshed(UUID refreshId, String installer, String previousSha256, String currentSha256) {
}
