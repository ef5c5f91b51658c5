package dev.goldsmith.problems;

import java.io.IOException;

/** Raised while reading a body that grows past the configured cap (also for chunked bodies). */
public class PayloadTooLargeException extends IOException {
    public PayloadTooLargeException(long limit) {
        super("The request body is larger than " + limit + " bytes.");
    }
}
