package dev.goldsmith.api;

import java.util.List;

/** Every registered installer medium, by name. */
public record InstallerList(List<InstallerView> items) {
}
