package dev.goldsmith.api;

import java.util.Map;

/**
 * {@code PUT /api/v1/channels/{channel}/{distro}/{profile}/policy}: {@code rebuild} {@code on-refresh} (rebuild
 * the channel's version when its medium is refreshed) or {@code never}; {@code schedule}, a cron expression at
 * which to rebuild it anyway (optional); {@code promote} {@code on-success} (a rebuild that passes moves the
 * channel) or {@code manual}. {@code secrets} are the secret answers the rebuilds need: write-only, kept
 * encrypted, never answered; absent keeps those the policy holds, {@code {}} drops them.
 */
public record ChannelPolicyRequest(String rebuild, String schedule, String promote, Map<String, String> secrets) {

    /** Leaves the secrets out: they are never logged. */
    @Override
    public String toString() {
        return "ChannelPolicyRequest[rebuild=" + rebuild + ", schedule=" + schedule + ", promote=" + promote
                + ", secrets=" + (secrets == null ? "unchanged" : secrets.keySet()) + "]";
    }
}
