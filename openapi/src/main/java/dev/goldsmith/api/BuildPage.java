package dev.goldsmith.api;

import java.util.List;

/** One page of build history, newest first; pass {@code nextCursor} back as {@code cursor} for the next page. */
public record BuildPage(List<BuildView> items, String nextCursor) {
}
