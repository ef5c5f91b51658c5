package dev.goldsmith.api;

/**
 * How a medium job ended, reported with its successful completion: {@code UNCHANGED} (what the archive offers
 * is the package set of the current medium: nothing was built) or {@code BUILT} (a new medium was built and
 * stored as the job's artifacts), with the package set it resolved ({@code lock}).
 */
public record MediumResult(String result, String lock) {
}
