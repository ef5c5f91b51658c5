package dev.goldsmith.worker.stages;

/**
 * A stage that failed, with the failure code the build reports and whether another attempt could help
 * (an infrastructure hiccup) or not (the installer refused, a check failed: a result, not a flake).
 */
public class StageFailure extends Exception {

    private final String code;
    private final boolean retryable;

    public StageFailure(String code, String message, boolean retryable) {
        super(message);
        this.code = code;
        this.retryable = retryable;
    }

    public StageFailure(String code, String message, boolean retryable, Throwable cause) {
        super(message, cause);
        this.code = code;
        this.retryable = retryable;
    }

    public String code() {
        return code;
    }

    public boolean retryable() {
        return retryable;
    }
}
