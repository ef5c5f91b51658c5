package dev.goldsmith.api;

import java.util.List;

/** An installer's refreshes, newest first. */
public record InstallerRefreshList(List<InstallerRefresh> refreshes) {
}
