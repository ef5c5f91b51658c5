package dev.goldsmith.api;

/**
 * What a medium job asks of a worker that builds media: refresh the farm's own recipe {@code recipe} (a
 * directory of this repository's {@code installers/}, at the version the worker was deployed with), compare
 * what it resolves with {@code currentLock} (the package set of the medium the recipe's name stands for now),
 * and only when they differ, build the medium and store it.
 */
public record MediumJob(String recipe, String currentLock) {
}
