package dev.goldsmith.builds;

import dev.goldsmith.api.BuildView;

/** The answer to a submission: a new queued build, or an earlier one (cache hit or idempotent replay). */
public record Submission(BuildView build, boolean created) {
}
