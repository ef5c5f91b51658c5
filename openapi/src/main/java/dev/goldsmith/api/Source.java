package dev.goldsmith.api;

/** The build definition an image comes from: a repository and the commit of it that was built. */
public record Source(String repository, String commit) {
}
