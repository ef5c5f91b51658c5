package dev.goldsmith.registry;

/** One channel: a team's {@code channel} for a distro and profile. */
public record ChannelKey(String team, String channel, String distro, String profile) {

    @Override
    public String toString() {
        return team + "/" + channel + "/" + distro + "/" + profile;
    }
}
