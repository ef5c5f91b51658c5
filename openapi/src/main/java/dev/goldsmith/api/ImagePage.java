package dev.goldsmith.api;

import java.util.List;

/** One page of image versions, newest first; pass {@code nextCursor} back as {@code cursor} for the next page. */
public record ImagePage(List<ImageSummary> items, String nextCursor) {
}
