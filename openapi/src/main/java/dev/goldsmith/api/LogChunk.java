package dev.goldsmith.api;

import java.util.List;

/** A chunk of build log. {@code seq} numbers chunks per lease from 0; a resent chunk is stored once. */
public record LogChunk(long seq, List<String> lines) {
}
